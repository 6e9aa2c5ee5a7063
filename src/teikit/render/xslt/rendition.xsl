<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: the source's own rendering and direction (included by html.xsl).

  @rendition="#red" becomes the class tk-r-red, whose CSS teikit builds from the header's
  tagsDecl/rendition (teikit.render.rendition: sanitised, no URLs, no @import, only
  declarations a CSS validator accepts); @style is kept after the same sanitising (done
  on the tree before the stylesheet runs). Right-to-left text: an element whose xml:lang
  is written right to left (the language or its script subtag, by CLDR, through Babel:
  Arabic, Hebrew, Persian, Syriac, Urdu …) gets dir="rtl", one whose direction is unknown
  dir="auto", and text in a left-to-right language inside right-to-left text dir="ltr".
  A page break with @facs links to its page image (a URL, or a surface/graphic of the
  facsimile that @facs points to).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="tei tk">

  <!-- The xml:lang values of this document written right to left, and those of unknown direction (' ar he '). -->
  <xsl:param name="rtl-languages" select="' '"/>
  <xsl:param name="auto-languages" select="' '"/>
  <xsl:variable name="tk:word.page-image" select="'page image'"/>

  <xsl:template name="tk:direction-of">
    <xsl:param name="lang"/>
    <xsl:choose>
      <xsl:when test="contains($rtl-languages, concat(' ', $lang, ' '))">rtl</xsl:when>
      <xsl:when test="contains($auto-languages, concat(' ', $lang, ' '))">auto</xsl:when>
      <xsl:otherwise>ltr</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- dir and style of one element (called by tk:attributes). -->
  <xsl:template name="tk:dir-and-style">
    <xsl:if test="@xml:lang and normalize-space(@xml:lang) != ''">
      <xsl:variable name="own">
        <xsl:call-template name="tk:direction-of"><xsl:with-param name="lang" select="@xml:lang"/></xsl:call-template>
      </xsl:variable>
      <xsl:variable name="outer">
        <xsl:call-template name="tk:direction-of">
          <xsl:with-param name="lang" select="ancestor::*[@xml:lang][1]/@xml:lang"/>
        </xsl:call-template>
      </xsl:variable>
      <xsl:if test="$own != 'ltr' or $outer != 'ltr'">
        <xsl:attribute name="dir"><xsl:value-of select="$own"/></xsl:attribute>
      </xsl:if>
    </xsl:if>
    <xsl:if test="normalize-space(@style) != ''">
      <xsl:attribute name="style"><xsl:value-of select="normalize-space(@style)"/></xsl:attribute>
    </xsl:if>
  </xsl:template>

  <!-- The page's direction, from the language the page is in. -->
  <xsl:template name="tk:page-dir">
    <xsl:variable name="declared" select="(/*/@xml:lang | /*[not(@xml:lang)]/tei:text/@xml:lang)[1]"/>
    <xsl:if test="normalize-space($declared) != ''">
      <xsl:variable name="dir">
        <xsl:call-template name="tk:direction-of"><xsl:with-param name="lang" select="$declared"/></xsl:call-template>
      </xsl:variable>
      <xsl:if test="$dir != 'ltr'"><xsl:attribute name="dir"><xsl:value-of select="$dir"/></xsl:attribute></xsl:if>
    </xsl:if>
  </xsl:template>

  <!-- ' tk-r-red tk-r-big' for rendition="#red #big" (pointers to this document's rendition elements). -->
  <xsl:template name="tk:rendition-classes">
    <xsl:param name="pointers" select="normalize-space(@rendition)"/>
    <xsl:if test="$pointers != ''">
      <xsl:variable name="first" select="substring-before(concat($pointers, ' '), ' ')"/>
      <xsl:variable name="id" select="substring-after($first, '#')"/>
      <xsl:if test="$id != ''
                    and translate($id, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_', '') = ''">
        <xsl:value-of select="concat(' tk-r-', $id)"/>
      </xsl:if>
      <xsl:call-template name="tk:rendition-classes">
        <xsl:with-param name="pointers" select="substring-after($pointers, ' ')"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- The URL of a page image: @facs itself, or the graphic of the surface (or graphic) it points to. -->
  <xsl:template name="tk:facs-url">
    <xsl:variable name="first" select="substring-before(concat(normalize-space(@facs), ' '), ' ')"/>
    <xsl:variable name="target" select="key('tk:id', substring-after($first, '#'))[1]"/>
    <xsl:variable name="url">
      <xsl:choose>
        <xsl:when test="starts-with($first, '#')">
          <xsl:value-of select="($target/self::tei:graphic/@url | $target//tei:graphic/@url)[1]"/>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="$first"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="scheme" select="translate(substring-before($url, ':'), $tk:upper, $tk:lower)"/>
    <!-- Only web addresses and relative paths: never javascript: or data: -->
    <xsl:if test="$url != '' and (not(contains($url, ':')) or $scheme = 'http' or $scheme = 'https')">
      <xsl:value-of select="$url"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="tei:pb[@facs]" priority="2">
    <xsl:variable name="url"><xsl:call-template name="tk:facs-url"/></xsl:variable>
    <xsl:variable name="in-link"><xsl:call-template name="tk:in-link"/></xsl:variable>
    <span role="doc-pagebreak">
      <xsl:call-template name="tk:attributes"/>
      <xsl:if test="@n">
        <xsl:attribute name="aria-label"><xsl:value-of select="concat($tk:word.page, ' ', @n)"/></xsl:attribute>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="$url != '' and $in-link != '1'">
          <a class="tk-facs" href="{$url}">
            <xsl:choose>
              <xsl:when test="@n"><xsl:value-of select="concat($tk:word.page, ' ', @n)"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="$tk:word.page-image"/></xsl:otherwise>
            </xsl:choose>
          </a>
        </xsl:when>
        <xsl:when test="@n"><xsl:value-of select="concat($tk:word.page, ' ', @n)"/></xsl:when>
      </xsl:choose>
    </span>
  </xsl:template>

</xsl:stylesheet>
