<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: the genre modules in the reading text (included by text.xsl): the apparatus
  criticus after the text (and after the notes), and the Leiden signs of EpiDoc editions.
  The text output keeps the words of the HTML elements these templates make and drops the
  elements, so the entries read as they do on the page.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="tei tk">

  <xsl:include href="apparatus-core.xsl"/>
  <xsl:include href="epidoc-core.xsl"/>

  <!-- The lemma is the text; apps standing apart (location-referenced) are only in the apparatus. -->
  <xsl:template match="tei:app" priority="2">
    <xsl:variable name="apart"><xsl:call-template name="tk:app-is-apart"/></xsl:variable>
    <xsl:if test="$apart != '1'"><xsl:apply-templates select="(tei:lem | tei:rdg | tei:rdgGrp/tei:rdg)[1]"/></xsl:if>
  </xsl:template>
  <xsl:template match="tei:listApp" priority="2">
    <xsl:value-of select="concat($tk:open, 'list', $tk:sep, $tk:sep)"/>
    <xsl:for-each select="tei:app">
      <xsl:value-of select="concat($tk:open, 'i', $tk:sep, $tk:sep)"/>
      <xsl:call-template name="tk:app-entry-body"/>
      <xsl:value-of select="$tk:close"/>
    </xsl:for-each>
    <xsl:value-of select="$tk:close"/>
  </xsl:template>

  <xsl:template name="tk:apparatus-text">
    <xsl:if test="$tk:apps and $notes != 'no'">
      <xsl:value-of select="concat($tk:open, 'notes', $tk:sep, $tk:sep)"/>
      <xsl:value-of select="concat($tk:open, 'h', $tk:sep, $tk:sep, $tk:word.apparatus, $tk:close)"/>
      <xsl:for-each select="$tk:apps">
        <xsl:variable name="number"><xsl:call-template name="tk:app-number"/></xsl:variable>
        <xsl:value-of select="concat($tk:open, 'n', $tk:sep, $number, '  ', $tk:sep)"/>
        <xsl:call-template name="tk:app-entry-body"/>
        <xsl:value-of select="$tk:close"/>
      </xsl:for-each>
      <xsl:value-of select="$tk:close"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="tei:supplied" priority="2">
    <xsl:choose>
      <xsl:when test="$tk:leiden"><xsl:call-template name="tk:leiden-supplied"/></xsl:when>
      <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="tei:ex" priority="2">
    <xsl:choose>
      <xsl:when test="$tk:leiden">
        <xsl:call-template name="tk:leiden-wrap">
          <xsl:with-param name="open" select="'('"/><xsl:with-param name="close" select="')'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="tei:gap" priority="2">
    <xsl:choose>
      <xsl:when test="$tk:leiden"><xsl:call-template name="tk:leiden-gap"/></xsl:when>
      <xsl:otherwise><xsl:call-template name="tk:gap-text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="tei:unclear" priority="2">
    <xsl:choose>
      <xsl:when test="$tk:leiden"><xsl:apply-templates mode="tk:underdot"/></xsl:when>
      <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="tei:surplus" priority="2">
    <xsl:choose>
      <xsl:when test="$tk:leiden">
        <xsl:call-template name="tk:leiden-wrap">
          <xsl:with-param name="open" select="'{'"/><xsl:with-param name="close" select="'}'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <!-- An erasure is left out of the reading text, as every deletion; in Leiden it is kept in ⟦ ⟧. -->
  <xsl:template match="tei:del" priority="2">
    <xsl:if test="$tk:leiden">
      <xsl:call-template name="tk:leiden-wrap">
        <xsl:with-param name="open" select="'⟦'"/><xsl:with-param name="close" select="'⟧'"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>
  <xsl:template match="tei:am" priority="2">
    <xsl:if test="not($tk:leiden)"><xsl:apply-templates/></xsl:if>
  </xsl:template>

</xsl:stylesheet>
