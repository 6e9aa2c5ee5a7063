<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: the Leiden conventions for EpiDoc inscriptions and papyri, shared by the HTML
  edition and the reading text (included by epidoc.xsl and genres-text.xsl).

  Following the EpiDoc Guidelines (https://epidoc.stoa.org/gl/latest/): restored text
  (supplied reason="lost") in [ ], omitted by the writer (reason="omitted") in < >,
  an uncertain restoration with "?"; abbreviations expanded (ex) in ( ); lost text
  (gap reason="lost") as [- - -] or one dot per lost character in brackets, illegible
  characters as dots, lost lines as "- - - - - -"; unclear letters with a dot below
  (U+0323); erasures (del) in ⟦ ⟧; superfluous letters (surplus) in { }; the writer's
  additions above or below the line in \ / and / \; a scribe's mistake corrected
  (choice/corr) in ⸢ ⸣; an empty space (space) as "vac.".

  The $leiden parameter switches them: 'auto' (the default) uses them in documents
  that have an EpiDoc edition division (div type="edition"), 'yes' always, 'no' never.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="tei tk">

  <xsl:param name="leiden" select="'auto'"/>
  <xsl:variable name="tk:leiden" select="$leiden = 'yes'
      or ($leiden = 'auto' and boolean(/*/tei:text/descendant::tei:div[@type = 'edition']))"/>
  <xsl:variable name="tk:word.vacat" select="'vac.'"/>
  <!-- Letters with a precomposed dot-below form, and those forms (teikit.render.leiden fills them from Unicode). -->
  <xsl:param name="underdot-from" select="''"/>
  <xsl:param name="underdot-to" select="''"/>

  <!-- Brackets around a run of text (the marks in a span of their own, so CSS can soften them). -->
  <xsl:template name="tk:leiden-wrap">
    <xsl:param name="open"/>
    <xsl:param name="close"/>
    <xsl:param name="uncertain" select="@cert = 'low'"/>
    <span class="tk-leiden"><xsl:value-of select="$open"/></span>
    <xsl:apply-templates/>
    <xsl:if test="$uncertain"><span class="tk-leiden">?</span></xsl:if>
    <span class="tk-leiden"><xsl:value-of select="$close"/></span>
  </xsl:template>

  <xsl:template name="tk:leiden-supplied">
    <xsl:choose>
      <xsl:when test="@reason = 'omitted'">
        <xsl:call-template name="tk:leiden-wrap">
          <xsl:with-param name="open" select="'&lt;'"/><xsl:with-param name="close" select="'&gt;'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="@reason = 'subaudible'">
        <xsl:call-template name="tk:leiden-wrap">
          <xsl:with-param name="open" select="'(scil. '"/><xsl:with-param name="close" select="')'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="tk:leiden-wrap">
          <xsl:with-param name="open" select="'['"/><xsl:with-param name="close" select="']'"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Lost or illegible text: how much, as the Leiden signs say it. -->
  <xsl:template name="tk:leiden-gap">
    <xsl:variable name="quantity" select="number(@quantity)"/>
    <xsl:variable name="dots">
      <xsl:if test="@unit = 'character' and $quantity = $quantity and $quantity &lt; 20">
        <xsl:value-of select="substring('··························', 1, $quantity)"/>
      </xsl:if>
    </xsl:variable>
    <xsl:variable name="signs">
      <xsl:choose>
        <xsl:when test="@unit = 'line'">- - - - - -</xsl:when>
        <xsl:when test="$dots != ''"><xsl:value-of select="$dots"/></xsl:when>
        <xsl:when test="@reason = 'illegible'">+ + +</xsl:when>
        <xsl:otherwise>- - -</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <span class="tk-leiden">
      <xsl:choose>
        <xsl:when test="@reason = 'lost' and @unit != 'line'">
          <xsl:value-of select="concat('[', $signs, substring('?', 1, @cert = 'low'), ']')"/>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="$signs"/></xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <!-- Unclear letters: each with a dot below. -->
  <xsl:template name="tk:underdot">
    <xsl:param name="text"/>
    <xsl:if test="$text != ''">
      <xsl:variable name="char" select="substring($text, 1, 1)"/>
      <xsl:choose>
        <xsl:when test="$underdot-from != '' and contains($underdot-from, $char)">
          <xsl:value-of select="translate($char, $underdot-from, $underdot-to)"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="$char"/>
          <xsl:if test="normalize-space($char) != ''"><xsl:text>&#x323;</xsl:text></xsl:if>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:call-template name="tk:underdot"><xsl:with-param name="text" select="substring($text, 2)"/>
        </xsl:call-template>
    </xsl:if>
  </xsl:template>
  <xsl:template match="text()" mode="tk:underdot">
    <xsl:call-template name="tk:underdot"><xsl:with-param name="text" select="."/></xsl:call-template>
  </xsl:template>
  <xsl:template match="*" mode="tk:underdot"><xsl:apply-templates mode="tk:underdot"/></xsl:template>

  <xsl:template name="tk:leiden-add">
    <xsl:choose>
      <xsl:when test="@place = 'below'">
        <xsl:call-template name="tk:leiden-wrap">
          <xsl:with-param name="open" select="'/'"/><xsl:with-param name="close" select="'\'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="@place = 'above' or @place = 'interlinear'">
        <xsl:call-template name="tk:leiden-wrap">
          <xsl:with-param name="open" select="'\'"/><xsl:with-param name="close" select="'/'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="tk:leiden-wrap">
          <xsl:with-param name="open" select="'`'"/><xsl:with-param name="close" select="'´'"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="tk:leiden-space">
    <span class="tk-leiden">
      <xsl:value-of select="$tk:word.vacat"/>
      <xsl:if test="@quantity"><xsl:value-of select="concat(' ', @quantity)"/></xsl:if>
    </span>
  </xsl:template>

</xsl:stylesheet>
