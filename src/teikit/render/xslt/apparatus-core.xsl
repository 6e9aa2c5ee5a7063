<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: the apparatus criticus, shared by the HTML edition and the reading text
  (included by apparatus.xsl and apparatus-text.xsl).

  The reading text is the lemma (lem, else the first reading); every app outside another
  app gets a number and one entry in the apparatus after the text, the way printed
  editions give it:

    3  (l. 12)  excommunicatione P ] excomunicatione Q; om. R; excommunicationem Smith

  Witnesses are shown by their siglum, resolved through listWit (witness/@n, its abbr,
  else its xml:id): never the raw pointer "#P". An empty reading is an omission ("om.");
  @source and @resp (a conjecture's author or publication) follow the reading.
  Both ways of encoding variants are read (TEI Guidelines 12.2): parallel segmentation
  (app in the running text: the lemma is the text) and location-referenced or
  double-end-point attachment (the variantEncoding method says so, or the app stands in
  a listApp): the lemma is not repeated in the text, and @loc (or the verse line the app
  stands in) says where the variant is.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="tei tk">

  <xsl:variable name="tk:word.apparatus" select="'Apparatus criticus'"/>
  <xsl:variable name="tk:word.omitted" select="'om.'"/>
  <xsl:variable name="tk:word.variant" select="'variant'"/>
  <xsl:variable name="tk:word.line-abbr" select="'l.'"/>

  <!--
    Every apparatus entry, in document order (apps inside another app are part of its readings;
    a listApp, such as an EpiDoc apparatus division, is shown where it stands).
  -->
  <xsl:variable name="tk:apps"
      select="//tei:app[not(ancestor::tei:app) and not(ancestor::tei:teiHeader) and not(ancestor::tei:listApp)]"/>
  <xsl:variable name="tk:variant-method"
      select="normalize-space(/*/tei:teiHeader/tei:encodingDesc/tei:variantEncoding/@method)"/>

  <!--
    An app's number in the apparatus: tk:n when teikit numbered the entries before the stylesheet ran
    (teikit.render.prepare), else its serial in common.xsl's table (one pass over the document; xsl:number
    level="any" would walk every preceding node, quadratic on a large edition).
  -->
  <xsl:template name="tk:app-number">
    <xsl:choose>
      <xsl:when test="@tk:n"><xsl:value-of select="@tk:n"/></xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="tk:serial"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- '1' when the app does not carry the running text (location-referenced, double end-point, a listApp). -->
  <xsl:template name="tk:app-is-apart">
    <xsl:if test="ancestor::tei:listApp or $tk:variant-method = 'location-referenced'
                  or $tk:variant-method = 'double-end-point' or (@from and not(tei:lem/node()))">1</xsl:if>
  </xsl:template>

  <!-- The reading that stands in the text: the lemma, else the first reading. -->
  <xsl:template name="tk:app-lemma">
    <xsl:copy-of select="(tei:lem | tei:rdg | tei:rdgGrp/tei:rdg)[1]"/>
  </xsl:template>

  <!-- Where the variant is: @loc, else the number of the verse line (or numbered block) it stands in. -->
  <xsl:template name="tk:app-location">
    <xsl:variable name="line" select="ancestor::tei:l[@n][1]/@n"/>
    <xsl:variable name="from" select="key('tk:id', substring-after(@from, '#'))"/>
    <xsl:choose>
      <xsl:when test="normalize-space(@loc) != ''"><xsl:value-of select="normalize-space(@loc)"/></xsl:when>
      <xsl:when test="$line"><xsl:value-of select="concat($tk:word.line-abbr, ' ', $line)"/></xsl:when>
      <xsl:when test="$from/ancestor-or-self::tei:l[@n]">
        <xsl:value-of select="concat($tk:word.line-abbr, ' ', $from/ancestor-or-self::tei:l[@n][1]/@n)"/>
      </xsl:when>
      <xsl:when test="ancestor::*[self::tei:p or self::tei:ab or self::tei:lg][@n]">
        <xsl:value-of select="ancestor::*[self::tei:p or self::tei:ab or self::tei:lg][@n][1]/@n"/>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- A reading's words as a string; a long lemma is cut to its first and last words (first … last). -->
  <xsl:template name="tk:reading-words">
    <xsl:param name="reading"/>
    <xsl:param name="shorten" select="false()"/>
    <xsl:variable name="raw"><xsl:apply-templates select="$reading/node()" mode="tk:plain"/></xsl:variable>
    <xsl:variable name="words" select="normalize-space($raw)"/>
    <xsl:variable name="count" select="string-length($words) - string-length(translate($words, ' ', '')) + 1"/>
    <xsl:choose>
      <xsl:when test="$shorten and $count > 6">
        <xsl:call-template name="tk:last-of">
          <xsl:with-param name="first" select="substring-before($words, ' ')"/>
          <xsl:with-param name="rest" select="$words"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$words"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template name="tk:last-of">
    <xsl:param name="first"/>
    <xsl:param name="rest"/>
    <xsl:choose>
      <xsl:when test="contains($rest, ' ')">
        <xsl:call-template name="tk:last-of">
          <xsl:with-param name="first" select="$first"/>
          <xsl:with-param name="rest" select="substring-after($rest, ' ')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="concat($first, ' … ', $rest)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The sigla of a list of pointers (@wit, @source, @resp): each resolved through its target. -->
  <xsl:template name="tk:sigla">
    <xsl:param name="pointers"/>
    <xsl:variable name="list" select="normalize-space($pointers)"/>
    <xsl:if test="$list != ''">
      <xsl:variable name="first" select="substring-before(concat($list, ' '), ' ')"/>
      <xsl:text> </xsl:text>
      <xsl:call-template name="tk:siglum"><xsl:with-param name="pointer" select="$first"/></xsl:call-template>
      <xsl:call-template name="tk:sigla">
        <xsl:with-param name="pointers" select="substring-after($list, ' ')"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- One witness, source or editor: its siglum (@n, abbr, else its id), its description as the title. -->
  <xsl:template name="tk:siglum">
    <xsl:param name="pointer"/>
    <xsl:variable name="id" select="substring($pointer, 1 + starts-with($pointer, '#'))"/>
    <xsl:variable name="target" select="key('tk:id', $id)[1]"/>
    <xsl:variable name="shown">
      <xsl:choose>
        <xsl:when test="$target"><xsl:call-template name="tk:siglum-text">
          <xsl:with-param name="target" select="$target"/></xsl:call-template></xsl:when>
        <xsl:otherwise><xsl:value-of select="$id"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <!-- The string value (no templates: a siglum is shown hundreds of times in a large apparatus). -->
    <xsl:variable name="description" select="normalize-space($target)"/>
    <abbr class="tk-siglum">
      <xsl:if test="normalize-space($description) != '' and normalize-space($description) != $shown">
        <xsl:attribute name="title"><xsl:value-of select="normalize-space($description)"/></xsl:attribute>
      </xsl:if>
      <xsl:value-of select="$shown"/>
    </abbr>
  </xsl:template>

  <!-- The siglum of a witness (or the short name of a source or editor): @n, abbr, idno, name, else the id. -->
  <xsl:template name="tk:siglum-text">
    <xsl:param name="target"/>
    <xsl:choose>
      <xsl:when test="$target/@n"><xsl:value-of select="normalize-space($target/@n)"/></xsl:when>
      <xsl:when test="$target/tei:abbr[@type = 'siglum']">
        <xsl:value-of select="normalize-space($target/tei:abbr[@type = 'siglum'][1])"/>
      </xsl:when>
      <xsl:when test="$target/tei:abbr"><xsl:value-of select="normalize-space($target/tei:abbr[1])"/></xsl:when>
      <xsl:when test="$target/tei:idno[@type = 'siglum']">
        <xsl:value-of select="normalize-space($target/tei:idno[@type = 'siglum'][1])"/>
      </xsl:when>
      <xsl:when test="$target[self::tei:person or self::tei:bibl]">
        <xsl:variable name="name"><xsl:apply-templates select="($target/tei:persName | $target/tei:author
            | $target/tei:title | $target)[1]" mode="tk:plain"/></xsl:variable>
        <xsl:value-of select="normalize-space($name)"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$target/@xml:id"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- One reading in an entry: its words (or "om."), its witnesses, its source and who proposed it. -->
  <xsl:template name="tk:app-reading">
    <xsl:param name="shorten" select="false()"/>
    <xsl:variable name="words">
      <xsl:call-template name="tk:reading-words">
        <xsl:with-param name="reading" select="."/>
        <xsl:with-param name="shorten" select="$shorten"/>
      </xsl:call-template>
    </xsl:variable>
    <span class="tk-reading tei-{local-name()}">
      <xsl:choose>
        <xsl:when test="$words != ''"><xsl:value-of select="$words"/></xsl:when>
        <xsl:otherwise><em class="tk-om"><xsl:value-of select="$tk:word.omitted"/></em></xsl:otherwise>
      </xsl:choose>
    </span>
    <xsl:call-template name="tk:sigla"><xsl:with-param name="pointers" select="@wit"/></xsl:call-template>
    <xsl:if test="@source or @resp">
      <span class="tk-app-source">
        <xsl:call-template name="tk:sigla"><xsl:with-param name="pointers" select="concat(@resp, ' ', @source)"/>
          </xsl:call-template>
      </span>
    </xsl:if>
  </xsl:template>

  <!-- The words of one entry, after its number: location, lemma ], readings separated by semicolons. -->
  <xsl:template name="tk:app-entry-body">
    <xsl:variable name="location"><xsl:call-template name="tk:app-location"/></xsl:variable>
    <xsl:variable name="lemma" select="(tei:lem | tei:rdg | tei:rdgGrp/tei:rdg)[1]"/>
    <xsl:if test="$location != ''">
      <span class="tk-app-loc"><xsl:value-of select="$location"/></span><xsl:text> </xsl:text>
    </xsl:if>
    <xsl:for-each select="$lemma">
      <xsl:call-template name="tk:app-reading"><xsl:with-param name="shorten" select="true()"/></xsl:call-template>
      <xsl:text> ]</xsl:text>
    </xsl:for-each>
    <xsl:for-each select="(tei:rdg | tei:rdgGrp/tei:rdg | tei:lem[position() > 1])[count(. | $lemma) != count($lemma)]">
      <xsl:if test="position() > 1"><xsl:text>;</xsl:text></xsl:if>
      <xsl:text> </xsl:text>
      <xsl:call-template name="tk:app-reading"/>
    </xsl:for-each>
    <xsl:for-each select="tei:note">
      <xsl:variable name="note"><xsl:apply-templates mode="tk:plain"/></xsl:variable>
      <xsl:text> </xsl:text><span class="tk-app-note"><xsl:value-of select="normalize-space($note)"/></span>
    </xsl:for-each>
  </xsl:template>

</xsl:stylesheet>
