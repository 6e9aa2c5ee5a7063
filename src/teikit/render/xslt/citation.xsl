<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: what makes a reading page citable (XSLT 1.0, included by html.xsl).

  - "Cite this edition": authors, title, editors, version, date, series, stable address, from the
    teiHeader (titleStmt, editionStmt, publicationStmt, seriesStmt);
  - links to the page's own TEI and exports, given by the caller in $downloads
    ("label=href label=href …", hrefs relative to the page);
  - visible paragraph numbers (p/@n), each a link to the paragraph's stable id (p/@xml:id);
  - contents entries for divisions without a head that carry a label (div/@n);
  - the register's works (listBibl/bibl) and events (listEvent/event) as sections of the index.

  Every template here can be overridden like those of html.xsl (import html.xsl, redefine one).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:str="http://exslt.org/strings"
    exclude-result-prefixes="tei tk str">

  <xsl:param name="downloads" select="''"/>

  <xsl:variable name="tk:word.cite" select="'Cite this edition'"/>
  <xsl:variable name="tk:word.cite-edited" select="'edited by'"/>
  <xsl:variable name="tk:word.cite-version" select="'version'"/>
  <xsl:variable name="tk:word.cite-paragraph"
      select="'Paragraph numbers link to stable addresses: add #p-… (the paragraph’s link) to cite a passage.'"/>
  <xsl:variable name="tk:word.downloads" select="'Download'"/>
  <xsl:variable name="tk:word.paragraph" select="'Paragraph'"/>
  <xsl:variable name="tk:word.works" select="'Works'"/>
  <xsl:variable name="tk:word.events" select="'Events'"/>
  <xsl:variable name="tk:word.event-where" select="'at'"/>
  <xsl:variable name="tk:word.provenance" select="'Provenance of the source'"/>

  <!-- Works and events of the register in standOff or the header; a bibliography in <back> is rendered where
       it stands (with its ids), so it is not indexed a second time. -->
  <xsl:variable name="tk:works" select="$tk:register[not(self::tei:back)]/descendant::tei:listBibl/tei:bibl[@xml:id]"/>
  <xsl:variable name="tk:events" select="$tk:register[not(self::tei:back)]/descendant::tei:event[@xml:id]
                                         [not(parent::tei:org or parent::tei:person or parent::tei:place)]"/>

  <!-- ================================================================ cite this -->

  <xsl:template name="tk:cite-this">
    <xsl:variable name="file" select="/*/tei:teiHeader/tei:fileDesc"/>
    <xsl:if test="$file">
      <section class="tk-cite" aria-labelledby="tk-cite-heading">
        <h2 id="tk-cite-heading"><xsl:value-of select="$tk:word.cite"/></h2>
        <xsl:text>&#10;</xsl:text>
        <p class="tk-citation">
          <xsl:for-each select="$file/tei:titleStmt/tei:author">
            <xsl:if test="position() > 1"><xsl:text>; </xsl:text></xsl:if>
            <xsl:call-template name="tk:cited-name"/>
          </xsl:for-each>
          <xsl:if test="$file/tei:titleStmt/tei:author"><xsl:text>. </xsl:text></xsl:if>
          <cite>
            <xsl:call-template name="tk:main-title"><xsl:with-param name="header" select="/*/tei:teiHeader"/></xsl:call-template>
          </cite>
          <xsl:for-each select="$file/tei:seriesStmt/tei:biblScope[1]">
            <xsl:value-of select="concat(', ', normalize-space(.))"/>
          </xsl:for-each>
          <xsl:if test="$file/tei:titleStmt/tei:editor">
            <xsl:value-of select="concat(', ', $tk:word.cite-edited, ' ')"/>
            <xsl:for-each select="$file/tei:titleStmt/tei:editor">
              <xsl:if test="position() > 1"><xsl:text>; </xsl:text></xsl:if>
              <xsl:call-template name="tk:cited-name"/>
            </xsl:for-each>
          </xsl:if>
          <xsl:for-each select="$file/tei:editionStmt/tei:edition[@n][1]">
            <xsl:value-of select="concat(', ', $tk:word.cite-version, ' ', @n)"/>
          </xsl:for-each>
          <xsl:variable name="when" select="($file/tei:publicationStmt/tei:date/@when
              | /*/tei:teiHeader/tei:revisionDesc/tei:change[last()][not($file/tei:publicationStmt/tei:date/@when)]/@when)[1]"/>
          <xsl:if test="$when"><xsl:value-of select="concat(', ', $when)"/></xsl:if>
          <xsl:text>.</xsl:text>
          <xsl:for-each select="($file/tei:publicationStmt/tei:publisher | $file/tei:publicationStmt/tei:distributor)[1]">
            <xsl:value-of select="concat(' ', normalize-space(.), '.')"/>
          </xsl:for-each>
          <xsl:for-each select="$file/tei:publicationStmt/tei:idno[@type = 'URI'][1]">
            <xsl:text> </xsl:text>
            <a href="{normalize-space(.)}"><xsl:value-of select="normalize-space(.)"/></a>
          </xsl:for-each>
        </p>
        <xsl:text>&#10;</xsl:text>
        <xsl:if test="//tei:text/descendant::tei:p[@n and @xml:id]">
          <p class="tk-cite-paragraphs"><xsl:value-of select="$tk:word.cite-paragraph"/></p>
          <xsl:text>&#10;</xsl:text>
        </xsl:if>
        <xsl:call-template name="tk:provenance"/>
        <xsl:call-template name="tk:downloads"/>
      </section>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- The works the source comes from, as its header states them (sourceDesc//relatedItem). -->
  <xsl:template name="tk:provenance">
    <xsl:variable name="related" select="/*/tei:teiHeader/tei:fileDesc/tei:sourceDesc/descendant::tei:relatedItem[tei:bibl]"/>
    <xsl:if test="$related">
      <p class="tk-provenance"><xsl:value-of select="concat($tk:word.provenance, ':')"/></p>
      <ul class="tk-provenance">
        <xsl:for-each select="$related">
          <li>
            <xsl:if test="@type"><xsl:value-of select="concat(@type, ': ')"/></xsl:if>
            <xsl:variable name="line"><xsl:apply-templates select="tei:bibl/node()" mode="tk:citation-line"/></xsl:variable>
            <xsl:value-of select="normalize-space($line)"/>
            <xsl:for-each select="tei:bibl/tei:note">
              <xsl:text> </xsl:text><span class="tk-source-note"><xsl:apply-templates mode="tk:plain"/></span>
            </xsl:for-each>
          </li>
        </xsl:for-each>
      </ul>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- In the one-line source citation, related works are left out (they are listed under provenance). -->
  <xsl:template match="tei:relatedItem" mode="tk:citation-line" priority="1"/>

  <!-- A name as cited: its parts (forename, surname…) separated by spaces. -->
  <xsl:template name="tk:cited-name">
    <xsl:for-each select=".//text()[normalize-space()]">
      <xsl:if test="position() > 1"><xsl:text> </xsl:text></xsl:if>
      <xsl:value-of select="normalize-space(.)"/>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="tk:downloads">
    <xsl:if test="normalize-space($downloads) != ''">
      <p class="tk-downloads">
        <xsl:value-of select="concat($tk:word.downloads, ': ')"/>
        <xsl:for-each select="str:tokenize(normalize-space($downloads), ' ')">
          <xsl:if test="position() > 1"><xsl:text> · </xsl:text></xsl:if>
          <a href="{substring-after(., '=')}"><xsl:value-of select="substring-before(., '=')"/></a>
        </xsl:for-each>
      </p>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================ paragraph numbers -->

  <!-- A numbered paragraph with a stable id: its number first, a link to itself (the address to cite). -->
  <xsl:template match="tei:p[@n and @xml:id]" priority="1">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:variable name="holds-blocks" select="*[namespace-uri() = $tk:tei-ns
        and contains($tk:blocks-in-p, concat(' ', local-name(), ' '))]"/>
    <xsl:variable name="tag">
      <xsl:choose>
        <xsl:when test="$flow != '1'">span</xsl:when>
        <xsl:when test="$holds-blocks">div</xsl:when>
        <xsl:otherwise>p</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:element name="{$tag}">
      <xsl:call-template name="tk:attributes"/>
      <a class="tk-para-number" href="#{@xml:id}" aria-label="{concat($tk:word.paragraph, ' ', @n)}">
        <xsl:value-of select="@n"/>
      </a>
      <xsl:text> </xsl:text>
      <xsl:apply-templates/>
    </xsl:element>
    <xsl:if test="$flow = '1'"><xsl:text>&#10;</xsl:text></xsl:if>
  </xsl:template>

  <!-- ================================================================ contents -->

  <!-- A division without a head but with a label (@n) is a contents entry, under its label. -->
  <xsl:template match="tei:div[not(tei:head)][@n and @xml:id]" mode="tk:toc" priority="1">
    <xsl:variable name="children">
      <xsl:apply-templates select="*" mode="tk:toc"/>
    </xsl:variable>
    <li>
      <a href="#{@xml:id}"><xsl:value-of select="normalize-space(@n)"/></a>
      <xsl:if test="string($children) != ''">
        <ol><xsl:apply-templates select="*" mode="tk:toc"/></ol>
      </xsl:if>
    </li>
  </xsl:template>

  <!--
    A division without a head but with a label (@n) shows its label as a heading, so that what follows
    does not read as part of the previous division; a division that opens with a salutation (opener)
    is named by it already.
  -->
  <xsl:template match="tei:div[not(tei:head)][@n and @xml:id][not(tei:opener)]" priority="1">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:variable name="depth" select="count(ancestor::tei:div[tei:head or @n]) + 1"/>
    <section>
      <xsl:call-template name="tk:attributes"><xsl:with-param name="class" select="'tk-div'"/></xsl:call-template>
      <xsl:text>&#10;</xsl:text>
      <xsl:if test="$flow = '1'">
        <xsl:element name="h{substring('23456', $depth, 1)}">
          <xsl:attribute name="class">tk-label-head</xsl:attribute>
          <xsl:value-of select="normalize-space(@n)"/>
        </xsl:element>
        <xsl:text>&#10;</xsl:text>
      </xsl:if>
      <xsl:apply-templates/>
    </section>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <!-- ================================================================ works and events -->

  <!-- A title in the text that points to a work of the register: a link to its entry. -->
  <xsl:template match="tei:title[@ref][ancestor::tei:text]" priority="1">
    <xsl:variable name="entry" select="substring-after(substring-before(concat(normalize-space(@ref), ' '), ' '), '#')"/>
    <xsl:variable name="in-link"><xsl:call-template name="tk:in-link"/></xsl:variable>
    <xsl:variable name="id"><xsl:call-template name="tk:id"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$in-link != '1' and key('tk:id', $entry)">
        <a href="#{$entry}" id="{$id}" class="tk-entity tk-work" data-type="work" data-ref="{normalize-space(@ref)}">
          <cite><xsl:call-template name="tk:attributes"><xsl:with-param name="id" select="''"/></xsl:call-template>
            <xsl:apply-templates/></cite>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <cite id="{$id}"><xsl:call-template name="tk:attributes"><xsl:with-param name="id" select="''"/></xsl:call-template>
          <xsl:apply-templates/></cite>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A citation in running text or in a note (not an entry of a bibliography) is a phrase, not a block. -->
  <xsl:template match="tei:bibl[not(parent::tei:listBibl)][ancestor::tei:p or ancestor::tei:note][ancestor::tei:text]"
                priority="2">
    <span><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template name="tk:works-and-events">
    <xsl:if test="$tk:works | $tk:events">
      <xsl:call-template name="tk:register-part">
        <xsl:with-param name="kind" select="'work'"/>
        <xsl:with-param name="title" select="$tk:word.works"/>
        <xsl:with-param name="entries" select="$tk:works"/>
      </xsl:call-template>
      <xsl:call-template name="tk:register-part">
        <xsl:with-param name="kind" select="'event'"/>
        <xsl:with-param name="title" select="$tk:word.events"/>
        <xsl:with-param name="entries" select="$tk:events"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- A work or event of the register: its name, dates or level, place, description and mentions. -->
  <xsl:template match="tei:listBibl/tei:bibl[@xml:id] | tei:event[@xml:id]" mode="tk:register-entry" priority="1">
    <xsl:param name="kind"/>
    <xsl:variable name="names" select="tei:title | tei:label"/>
    <xsl:variable name="preferred" select="($names[@type = 'preferred'] | $names[1])[1]"/>
    <li id="{@xml:id}" class="tk-entry tk-{$kind}">
      <p class="tk-entry-head">
        <strong class="tk-entry-name">
          <xsl:choose>
            <xsl:when test="self::tei:bibl"><cite><xsl:value-of select="normalize-space($preferred)"/></cite></xsl:when>
            <xsl:otherwise><xsl:value-of select="normalize-space($preferred)"/></xsl:otherwise>
          </xsl:choose>
        </strong>
        <xsl:for-each select="tei:author[1]"><xsl:value-of select="concat(', ', normalize-space(.))"/></xsl:for-each>
        <xsl:variable name="dates" select="(@when | @from | tei:date/@when)[1]"/>
        <xsl:if test="$dates">
          <span class="tk-life-dates">
            <xsl:value-of select="concat(' (', $dates)"/>
            <xsl:if test="@to"><xsl:value-of select="concat('–', @to)"/></xsl:if>
            <xsl:text>)</xsl:text>
          </span>
        </xsl:if>
        <xsl:if test="@where">
          <xsl:variable name="place" select="substring-after(normalize-space(@where), '#')"/>
          <xsl:value-of select="concat(', ', $tk:word.event-where, ' ')"/>
          <a href="#{$place}">
            <xsl:call-template name="tk:preferred-name"><xsl:with-param name="entry" select="key('tk:id', $place)"/></xsl:call-template>
          </a>
        </xsl:if>
      </p>
      <xsl:variable name="others" select="$names[not(@type = 'preferred')][position() > 1 or ../*[@type = 'preferred']]"/>
      <xsl:if test="$others">
        <p class="tk-variants">
          <xsl:value-of select="concat($tk:word.also, ': ')"/>
          <xsl:for-each select="$others">
            <xsl:if test="position() > 1"><xsl:text>; </xsl:text></xsl:if>
            <xsl:value-of select="normalize-space(.)"/>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:for-each select="tei:note">
        <div class="tk-entry-note"><xsl:apply-templates/></div>
      </xsl:for-each>
      <xsl:call-template name="tk:authority-links"/>
      <xsl:call-template name="tk:mentions"/>
    </li>
  </xsl:template>
</xsl:stylesheet>
