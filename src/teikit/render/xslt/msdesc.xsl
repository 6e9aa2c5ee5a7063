<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: manuscript descriptions (msDesc, TEI Guidelines 10) in the HTML reading edition
  (included by html.xsl).

  A catalogue entry rather than one paragraph: the identifier (country, settlement,
  repository, collection, shelfmark) as its heading; then labelled parts: contents (each
  msItem with its locus, author, title, rubric, incipit, explicit, colophon), physical
  description (support, extent, dimensions, foliation, collation, condition, layout,
  hands, decoration, binding …), history (origin with date and place, provenance,
  acquisition), additional information and parts (msPart). The title block keeps only
  the identifier. Every label is a variable (tk:word.ms-*) to translate.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="tei tk">

  <xsl:variable name="tk:word.ms-description" select="'Manuscript description'"/>
  <xsl:variable name="tk:word.ms-object" select="'Object description'"/>
  <!-- Labels by element name. -->
  <tk:ms-labels>
    <tk:m name="msContents" label="Contents"/><tk:m name="msItem" label="Item"/>
    <tk:m name="physDesc" label="Physical description"/><tk:m name="objectDesc" label="Object"/>
    <tk:m name="supportDesc" label="Support"/><tk:m name="support" label="Support"/>
    <tk:m name="extent" label="Extent"/><tk:m name="dimensions" label="Dimensions"/>
    <tk:m name="foliation" label="Foliation"/><tk:m name="collation" label="Collation"/>
    <tk:m name="condition" label="Condition"/><tk:m name="layoutDesc" label="Layout"/>
    <tk:m name="handDesc" label="Hands"/><tk:m name="handNote" label="Hand"/>
    <tk:m name="scriptDesc" label="Script"/><tk:m name="decoDesc" label="Decoration"/>
    <tk:m name="musicNotation" label="Music notation"/><tk:m name="additions" label="Additions"/>
    <tk:m name="bindingDesc" label="Binding"/><tk:m name="sealDesc" label="Seals"/>
    <tk:m name="accMat" label="Accompanying material"/><tk:m name="history" label="History"/>
    <tk:m name="origin" label="Origin"/><tk:m name="provenance" label="Provenance"/>
    <tk:m name="acquisition" label="Acquisition"/><tk:m name="additional" label="Additional information"/>
    <tk:m name="adminInfo" label="Administrative information"/><tk:m name="surrogates" label="Surrogates"/>
    <tk:m name="listBibl" label="Bibliography"/><tk:m name="msPart" label="Part"/>
    <tk:m name="msFrag" label="Fragment"/><tk:m name="msIdentifier" label="Identifier"/>
    <tk:m name="altIdentifier" label="Other identifier"/><tk:m name="locus" label="Locus"/>
    <tk:m name="author" label="Author"/><tk:m name="title" label="Title"/><tk:m name="rubric" label="Rubric"/>
    <tk:m name="incipit" label="Incipit"/><tk:m name="explicit" label="Explicit"/>
    <tk:m name="finalRubric" label="Final rubric"/><tk:m name="colophon" label="Colophon"/>
    <tk:m name="textLang" label="Language"/><tk:m name="origDate" label="Date"/>
    <tk:m name="origPlace" label="Place"/><tk:m name="summary" label="Summary"/>
    <tk:m name="recordHist" label="Record history"/><tk:m name="custodialHist" label="Custodial history"/>
    <tk:m name="availability" label="Availability"/><tk:m name="filiation" label="Filiation"/>
    <tk:m name="note" label="Note"/><tk:m name="layout" label="Layout"/><tk:m name="watermark" label="Watermark"/>
    <tk:m name="binding" label="Binding"/><tk:m name="decoNote" label="Decoration"/>
      <tk:m name="material" label="Material"/>
    <tk:m name="objectType" label="Object type"/>
  </tk:ms-labels>
  <xsl:variable name="tk:ms-labels" select="document('')/*/tk:ms-labels/tk:m"/>

  <xsl:variable name="tk:msdescs"
      select="/*/tei:teiHeader/tei:fileDesc/tei:sourceDesc//tei:msDesc
              | /tei:teiCorpus/tei:TEI/tei:teiHeader/tei:fileDesc/tei:sourceDesc//tei:msDesc"/>

  <!-- In the title block's source: the identifier only (the description has a section of its own). -->
  <xsl:template match="tei:msDesc" mode="tk:source" priority="2">
    <div class="tk-source tei-msDesc">
      <a href="#tk-msdesc-{count(preceding::tei:msDesc) + 1}">
        <xsl:call-template name="tk:ms-identifier"><xsl:with-param name="identifier" select="tei:msIdentifier"/>
          </xsl:call-template>
      </a>
    </div>
  </xsl:template>
  <xsl:template match="tei:*[tei:msDesc]" mode="tk:source" priority="2">
    <xsl:apply-templates select="*" mode="tk:source"/>
  </xsl:template>

  <!-- "Oxford, Bodleian Library, MS. Laud Misc. 108": the parts of an identifier that have words. -->
  <xsl:template name="tk:ms-identifier">
    <xsl:param name="identifier"/>
    <!-- The shelfmark: idno type="shelfmark", else the first idno (other idnos are persistent ids, not shelfmarks). -->
    <xsl:variable name="shelfmark"
        select="($identifier/tei:idno[@type = 'shelfmark'] | $identifier/tei:idno)[normalize-space()][1]"/>
    <xsl:variable name="parts" select="$identifier/*[self::tei:settlement or self::tei:repository
        or self::tei:collection or self::tei:msName][normalize-space()] | $shelfmark"/>
    <xsl:choose>
      <xsl:when test="$parts">
        <xsl:for-each select="$parts">
          <xsl:if test="position() > 1"><xsl:text>, </xsl:text></xsl:if>
          <xsl:variable name="words"><xsl:apply-templates mode="tk:plain"/></xsl:variable>
          <xsl:value-of select="normalize-space($words)"/>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$tk:word.ms-description"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="tk:msdesc-section">
    <xsl:for-each select="$tk:msdescs">
      <xsl:variable name="number" select="count(preceding::tei:msDesc) + 1"/>
      <section class="tk-msdesc" id="tk-msdesc-{$number}" aria-labelledby="tk-msdesc-heading-{$number}">
        <xsl:text>&#10;</xsl:text>
        <h2 id="tk-msdesc-heading-{$number}">
          <xsl:call-template name="tk:ms-identifier"><xsl:with-param name="identifier" select="tei:msIdentifier"/>
            </xsl:call-template>
        </h2>
        <xsl:text>&#10;</xsl:text>
        <xsl:apply-templates select="tei:msIdentifier/tei:altIdentifier[normalize-space()] | tei:head
            | *[not(self::tei:msIdentifier or self::tei:head)]" mode="tk:ms"/>
      </section>
      <xsl:text>&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="tk:ms-label">
    <xsl:variable name="label" select="$tk:ms-labels[@name = local-name(current())]/@label"/>
    <xsl:choose>
      <xsl:when test="$label"><xsl:value-of select="$label"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="local-name()"/></xsl:otherwise>
    </xsl:choose>
    <xsl:if test="(self::tei:msItem or self::tei:msPart or self::tei:handNote) and @n">
      <xsl:value-of select="concat(' ', @n)"/>
    </xsl:if>
  </xsl:template>

  <!--
    mode tk:ms: a part of the description. Parts that hold other labelled parts become a
    sub-list with a heading-like term; the rest a term and its words.
  -->
  <xsl:template match="*" mode="tk:ms">
    <xsl:variable name="labelled" select="*[local-name() = $tk:ms-labels/@name]
        [not(self::tei:note or self::tei:title or self::tei:author or self::tei:locus or self::tei:material
             or self::tei:objectType or self::tei:origDate or self::tei:origPlace)]"/>
    <xsl:variable name="label"><xsl:call-template name="tk:ms-label"/></xsl:variable>
    <xsl:variable name="outer"><xsl:for-each select=".."><xsl:call-template name="tk:ms-label"/></xsl:for-each>
      </xsl:variable>
    <xsl:choose>
      <!-- The only part of a part of the same name (binding in bindingDesc): its words, without a second label. -->
      <xsl:when test="$label = $outer and count(../*) = 1">
        <xsl:apply-templates mode="tk:ms-words"/>
      </xsl:when>
      <xsl:when test="normalize-space() or .//@when or .//@notBefore">
      <dl class="tk-ms tk-ms-{local-name()}">
        <dt><xsl:value-of select="$label"/></dt>
        <dd>
          <xsl:choose>
            <xsl:when test="$labelled">
              <xsl:apply-templates select="node()[not(self::* and local-name() = $tk:ms-labels/@name)
                  or self::tei:note or self::tei:title or self::tei:author or self::tei:locus or self::tei:material
                  or self::tei:objectType or self::tei:origDate or self::tei:origPlace]" mode="tk:ms-words"/>
              <xsl:apply-templates select="$labelled" mode="tk:ms"/>
            </xsl:when>
            <xsl:otherwise><xsl:apply-templates mode="tk:ms-words"/></xsl:otherwise>
          </xsl:choose>
        </dd>
      </dl>
      <xsl:text>&#10;</xsl:text>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- An item of the contents: locus, author and title on one line, then rubric, incipit, explicit … -->
  <xsl:template match="tei:msItem | tei:msItemStruct" mode="tk:ms">
    <dl class="tk-ms tk-ms-item">
      <dt>
        <xsl:call-template name="tk:ms-label"/>
        <xsl:for-each select="tei:locus[1]"><xsl:text>: </xsl:text><xsl:apply-templates mode="tk:plain"/></xsl:for-each>
      </dt>
      <dd>
        <xsl:for-each select="tei:author | tei:title">
          <xsl:if test="position() > 1"><xsl:text>, </xsl:text></xsl:if>
          <span class="tk-ms-{local-name()}"><xsl:apply-templates mode="tk:ms-words"/></span>
        </xsl:for-each>
        <xsl:apply-templates select="*[not(self::tei:author or self::tei:title or self::tei:locus[1])]" mode="tk:ms"/>
      </dd>
    </dl>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <!-- Dimensions: height × width (× depth) with the unit, as catalogues write them. -->
  <xsl:template match="tei:dimensions" mode="tk:ms">
    <xsl:if test="normalize-space()">
      <dl class="tk-ms tk-ms-dimensions">
        <dt>
          <xsl:call-template name="tk:ms-label"/>
          <xsl:if test="@type"><xsl:value-of select="concat(' (', @type, ')')"/></xsl:if>
        </dt>
        <dd><xsl:apply-templates select="." mode="tk:ms-words"/></dd>
      </dl>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>
  <xsl:template match="tei:dimensions" mode="tk:ms-words">
    <xsl:for-each select="*[normalize-space()]">
      <xsl:if test="position() > 1"><xsl:text> × </xsl:text></xsl:if>
      <xsl:value-of select="normalize-space()"/>
    </xsl:for-each>
    <xsl:if test="not(*[normalize-space()])"><xsl:value-of select="normalize-space()"/></xsl:if>
    <xsl:variable name="unit" select="(@unit | */@unit)[1]"/>
    <xsl:if test="$unit"><xsl:value-of select="concat(' ', $unit)"/></xsl:if>
  </xsl:template>

  <!-- mode tk:ms-words: the words of a part, with paragraphs kept apart; names and dates as in the text. -->
  <xsl:template match="tei:p" mode="tk:ms-words">
    <p><xsl:apply-templates select="node()" mode="tk:ms-words"/></p>
  </xsl:template>
  <xsl:template match="tei:origDate | tei:date" mode="tk:ms-words">
    <xsl:variable name="words"><xsl:apply-templates mode="tk:plain"/></xsl:variable>
    <span class="tei-{local-name()}">
      <xsl:value-of select="normalize-space($words)"/>
      <xsl:if test="normalize-space($words) = ''"><xsl:call-template name="tk:date-label"/></xsl:if>
    </span>
  </xsl:template>
  <xsl:template match="tei:lb" mode="tk:ms-words"><br/></xsl:template>
  <xsl:template match="tei:note" mode="tk:ms-words">
    <xsl:text> </xsl:text><span class="tk-ms-note"><xsl:apply-templates mode="tk:ms-words"/></span>
  </xsl:template>
  <xsl:template match="tei:locus | tei:material | tei:objectType | tei:title | tei:author" mode="tk:ms-words">
    <span class="tei-{local-name()}"><xsl:apply-templates mode="tk:ms-words"/></span>
  </xsl:template>
  <xsl:template match="tei:ref[starts-with(@target, 'http://') or starts-with(@target, 'https://')]" mode="tk:ms-words">
    <a href="{@target}"><xsl:apply-templates mode="tk:ms-words"/></a>
  </xsl:template>
  <xsl:template match="*" mode="tk:ms-words">
    <xsl:if test="preceding-sibling::*"><xsl:text> </xsl:text></xsl:if>
    <xsl:apply-templates mode="tk:ms-words"/>
  </xsl:template>
  <xsl:template match="text()" mode="tk:ms-words"><xsl:value-of select="."/></xsl:template>

</xsl:stylesheet>
