<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: Leiden conventions in the HTML reading edition (included by html.xsl); the signs
  are in epidoc-core.xsl. With Leiden off, each element is rendered as html.xsl always did.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="tei tk">

  <xsl:include href="epidoc-core.xsl"/>

  <xsl:template match="tei:supplied" priority="2">
    <span>
      <xsl:call-template name="tk:attributes">
        <xsl:with-param name="class" select="substring('tk-leiden-on', 1 div $tk:leiden)"/></xsl:call-template>
      <xsl:choose>
        <xsl:when test="$tk:leiden"><xsl:call-template name="tk:leiden-supplied"/></xsl:when>
        <xsl:otherwise>
          <span class="tk-bracket" aria-hidden="true">[</span>
          <xsl:apply-templates/>
          <span class="tk-bracket" aria-hidden="true">]</span>
        </xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <xsl:template match="tei:ex" priority="2">
    <span>
      <xsl:call-template name="tk:attributes"/>
      <xsl:choose>
        <xsl:when test="$tk:leiden">
          <xsl:call-template name="tk:leiden-wrap">
            <xsl:with-param name="open" select="'('"/><xsl:with-param name="close" select="')'"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <xsl:template match="tei:gap" priority="2">
    <span>
      <xsl:call-template name="tk:attributes"/>
      <xsl:choose>
        <xsl:when test="$tk:leiden"><xsl:call-template name="tk:leiden-gap"/></xsl:when>
        <xsl:otherwise><xsl:call-template name="tk:gap-text"/></xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <xsl:template match="tei:unclear" priority="2">
    <span>
      <xsl:call-template name="tk:attributes">
        <xsl:with-param name="class" select="substring('tk-leiden-on', 1 div $tk:leiden)"/></xsl:call-template>
      <xsl:choose>
        <xsl:when test="$tk:leiden"><xsl:apply-templates mode="tk:underdot"/></xsl:when>
        <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <xsl:template match="tei:surplus" priority="2">
    <span>
      <xsl:call-template name="tk:attributes"/>
      <xsl:choose>
        <xsl:when test="$tk:leiden">
          <xsl:call-template name="tk:leiden-wrap">
            <xsl:with-param name="open" select="'{'"/><xsl:with-param name="close" select="'}'"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <xsl:template match="tei:del" priority="2">
    <del>
      <xsl:call-template name="tk:attributes"/>
      <xsl:choose>
        <xsl:when test="$tk:leiden">
          <xsl:call-template name="tk:leiden-wrap">
            <xsl:with-param name="open" select="'⟦'"/><xsl:with-param name="close" select="'⟧'"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
      </xsl:choose>
    </del>
  </xsl:template>

  <xsl:template match="tei:add" priority="2">
    <ins>
      <xsl:call-template name="tk:attributes"/>
      <xsl:choose>
        <xsl:when test="$tk:leiden"><xsl:call-template name="tk:leiden-add"/></xsl:when>
        <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
      </xsl:choose>
    </ins>
  </xsl:template>

  <!-- A scribe's error corrected by the editor: the correction in half brackets. -->
  <xsl:template match="tei:choice/tei:corr[../tei:sic]" priority="2">
    <span>
      <xsl:call-template name="tk:attributes"/>
      <xsl:choose>
        <xsl:when test="$tk:leiden">
          <xsl:call-template name="tk:leiden-wrap">
            <xsl:with-param name="open" select="'⸢'"/><xsl:with-param name="close" select="'⸣'"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <xsl:template match="tei:space[not(@dim = 'vertical')]" priority="2">
    <xsl:choose>
      <xsl:when test="$tk:leiden"><xsl:text> </xsl:text><xsl:call-template name="tk:leiden-space"/>
        <xsl:text> </xsl:text></xsl:when>
      <xsl:otherwise>
        <xsl:if test="@xml:id and count(key('tk:id', @xml:id)[1] | .) = 1"><span id="{@xml:id}" class="tei-space">
          </span></xsl:if>
        <xsl:text> </xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Abbreviation marks are the stone's, not the reading text's: dropped in the interpretive edition. -->
  <xsl:template match="tei:am" priority="2">
    <xsl:if test="not($tk:leiden)"><span><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></span></xsl:if>
  </xsl:template>

  <!-- Line numbers of an inscription: lb/@n every fifth line, in the margin; a word broken at a line: a hyphen. -->
  <xsl:template match="tei:lb[@n]" priority="2">
    <xsl:if test="$tk:leiden and @break = 'no'"><span class="tk-leiden">-</span></xsl:if>
    <xsl:if test="preceding-sibling::node()[self::* or normalize-space()]"><br/></xsl:if>
    <xsl:if test="@xml:id and count(key('tk:id', @xml:id)[1] | .) = 1"><span id="{@xml:id}" class="tei-lb"></span>
      </xsl:if>
    <xsl:if test="$tk:leiden"><xsl:call-template name="tk:line-number"/></xsl:if>
  </xsl:template>

</xsl:stylesheet>
