<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: the apparatus criticus in the HTML reading edition (included by html.xsl).

  In the text an app shows its lemma followed by a small numbered link to its entry;
  the entries follow the notes, as a numbered list under "Apparatus criticus", each
  linking back. What an entry says is in apparatus-core.xsl (shared with the text).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="tei tk">

  <xsl:include href="apparatus-core.xsl"/>

  <xsl:template match="tei:app[not(ancestor::tei:app)]" priority="2">
    <xsl:variable name="number"><xsl:call-template name="tk:app-number"/></xsl:variable>
    <xsl:variable name="apart"><xsl:call-template name="tk:app-is-apart"/></xsl:variable>
    <xsl:variable name="in-link"><xsl:call-template name="tk:in-link"/></xsl:variable>
    <span>
      <xsl:call-template name="tk:attributes"/>
      <xsl:if test="$apart != '1'">
        <xsl:apply-templates select="(tei:lem | tei:rdg | tei:rdgGrp/tei:rdg)[1]"/>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="$in-link = '1'"><span class="tk-appref"><xsl:value-of select="$number"/></span></xsl:when>
        <xsl:otherwise>
          <a class="tk-appref" id="tk-appref-{$number}" href="#tk-app-{$number}"
             aria-label="{concat($tk:word.variant, ' ', $number)}"><xsl:value-of select="$number"/></a>
        </xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <!-- An app inside another app's reading: its lemma only (the outer entry lists the readings). -->
  <xsl:template match="tei:app[ancestor::tei:app]" priority="2">
    <xsl:apply-templates select="(tei:lem | tei:rdg | tei:rdgGrp/tei:rdg)[1]"/>
  </xsl:template>

  <xsl:template match="tei:lem">
    <span><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></span>
  </xsl:template>

  <!-- A list of apps standing apart from the text (an EpiDoc apparatus division): its entries where it stands. -->
  <xsl:template match="tei:listApp" priority="2">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$flow = '1'">
        <ul class="tk-apparatus-list tei-listApp">
          <xsl:for-each select="tei:app">
            <li><xsl:call-template name="tk:attributes"/><xsl:call-template name="tk:app-entry-body"/></li>
          </xsl:for-each>
        </ul>
        <xsl:text>&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <span class="tei-listApp">
          <xsl:for-each select="tei:app"><xsl:text> </xsl:text><xsl:call-template name="tk:app-entry-body"/>
            </xsl:for-each>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The witnesses (listWit in the text, as critical editions print them): one line each, its siglum first. -->
  <xsl:template match="tei:listWit" priority="2">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:element name="{substring('ulspan', 1 + 2 * ($flow != '1'), 2 + 2 * ($flow != '1'))}">
      <xsl:call-template name="tk:attributes"><xsl:with-param name="class" select="'tk-witnesses'"/></xsl:call-template>
      <xsl:apply-templates select="tei:head | tei:witness | tei:listWit"/>
    </xsl:element>
    <xsl:if test="$flow = '1'"><xsl:text>&#10;</xsl:text></xsl:if>
  </xsl:template>
  <xsl:template match="tei:listWit/tei:witness" priority="2">
    <!-- An item when the list is a list: the outermost listWit decides (it is no container of common.xsl's). -->
    <xsl:variable name="flow"><xsl:for-each select="ancestor::tei:listWit[last()]">
      <xsl:call-template name="tk:in-flow"/></xsl:for-each></xsl:variable>
    <xsl:element name="{substring('lispan', 1 + 2 * ($flow != '1'), 2 + 2 * ($flow != '1'))}">
      <xsl:call-template name="tk:attributes"/>
      <strong class="tk-siglum">
        <xsl:call-template name="tk:siglum-text"><xsl:with-param name="target" select="."/></xsl:call-template>
      </strong>
      <xsl:text> </xsl:text>
      <xsl:apply-templates select="node()[not(self::tei:abbr[@type = 'siglum'])]"/>
    </xsl:element>
  </xsl:template>
  <!-- A group of witnesses inside the list: an item holding its own list. -->
  <xsl:template match="tei:listWit/tei:listWit" priority="3">
    <xsl:variable name="flow"><xsl:for-each select="ancestor::tei:listWit[last()]">
      <xsl:call-template name="tk:in-flow"/></xsl:for-each></xsl:variable>
    <xsl:choose>
      <xsl:when test="$flow = '1'">
        <li>
          <xsl:call-template name="tk:attributes"/>
          <ul class="tk-witnesses"><xsl:apply-templates select="tei:head | tei:witness | tei:listWit"/></ul>
        </li>
      </xsl:when>
      <xsl:otherwise>
        <span><xsl:call-template name="tk:attributes"/>
          <xsl:apply-templates select="tei:head | tei:witness | tei:listWit"/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="tei:listWit/tei:head" priority="2">
    <xsl:variable name="flow"><xsl:for-each select="ancestor::tei:listWit[last()]">
      <xsl:call-template name="tk:in-flow"/></xsl:for-each></xsl:variable>
    <xsl:element name="{substring('lispan', 1 + 2 * ($flow != '1'), 2 + 2 * ($flow != '1'))}">
      <xsl:attribute name="class">tei-head tk-witnesses-head</xsl:attribute>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <xsl:template name="tk:apparatus-section">
    <xsl:if test="$tk:apps">
      <section class="tk-apparatus" id="tk-apparatus" aria-labelledby="tk-apparatus-heading">
        <xsl:text>&#10;</xsl:text>
        <h2 id="tk-apparatus-heading"><xsl:value-of select="$tk:word.apparatus"/></h2>
        <xsl:text>&#10;</xsl:text>
        <ol class="tk-apparatus-list">
          <xsl:text>&#10;</xsl:text>
          <xsl:for-each select="$tk:apps">
            <xsl:variable name="number"><xsl:call-template name="tk:app-number"/></xsl:variable>
            <li id="tk-app-{$number}" value="{$number}">
              <span class="tk-app-n"><xsl:value-of select="$number"/></span>
              <xsl:text> </xsl:text>
              <xsl:call-template name="tk:app-entry-body"/>
              <xsl:text> </xsl:text>
              <xsl:call-template name="tk:backref"><xsl:with-param name="to" select="concat('tk-appref-', $number)"/>
                </xsl:call-template>
            </li>
            <xsl:text>&#10;</xsl:text>
          </xsl:for-each>
        </ol>
        <xsl:text>&#10;</xsl:text>
      </section>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
