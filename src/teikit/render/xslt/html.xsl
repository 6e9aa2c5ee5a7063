<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: TEI P5 → a self-contained HTML5 reading edition (XSLT 1.0).

  The page: a title block from the teiHeader, a table of contents from the headed
  divisions, the text, the notes, an index of names from the register (standOff or
  header listPerson/listOrg/listPlace) with every occurrence, a chronological list of
  dates, and the edition's declarations. CSS arrives inline through the $css parameter;
  nothing is fetched from the network and no script is needed (the highlighting toggles
  are checkboxes styled with :has()).

  Customise by importing this file and overriding one template:

    <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
        xmlns:tei="http://www.tei-c.org/ns/1.0" exclude-result-prefixes="tei">
      <xsl:import href="teikit:html.xsl"/>
      <xsl:template match="tei:persName"> … </xsl:template>
    </xsl:stylesheet>

  Every TEI element has a template here (or falls to the one for unknown elements, which
  keeps its text in a span or div classed tei-NAME). Block-like elements ask tk:in-flow
  whether HTML blocks are allowed where they stand and become spans when they are not.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:exsl="http://exslt.org/common"
    exclude-result-prefixes="tei tk exsl">

  <xsl:import href="common.xsl"/>
  <xsl:include href="citation.xsl"/>
  <!-- Genre modules: numbering, apparatus, Leiden, manuscripts, letters, rendition and direction. -->
  <xsl:include href="verse.xsl"/>
  <xsl:include href="apparatus.xsl"/>
  <xsl:include href="epidoc.xsl"/>
  <xsl:include href="msdesc.xsl"/>
  <xsl:include href="letters.xsl"/>
  <xsl:include href="rendition.xsl"/>

  <xsl:output method="html" encoding="UTF-8" indent="no"/>

  <!-- The page's CSS (teikit passes its own stylesheet; pass another to restyle the page). -->
  <xsl:param name="css" select="''"/>

  <xsl:variable name="tk:word.skip" select="'Skip to the text'"/>
  <xsl:variable name="tk:word.highlight" select="'Highlight'"/>
  <xsl:variable name="tk:word.interventions" select="'Editorial interventions'"/>
  <xsl:variable name="tk:word.authors" select="'By'"/>
  <xsl:variable name="tk:word.editors" select="'Edited by'"/>
  <xsl:variable name="tk:word.responsibility" select="'Responsibility'"/>
  <xsl:variable name="tk:word.publication" select="'Published'"/>
  <xsl:variable name="tk:word.source" select="'Source'"/>
  <xsl:variable name="tk:word.availability" select="'Availability'"/>
  <xsl:variable name="tk:word.identifier" select="'Identifier'"/>
  <xsl:variable name="tk:word.edition" select="'Edition'"/>
  <xsl:variable name="tk:word.creation" select="'Created'"/>
  <xsl:variable name="tk:word.languages" select="'Languages'"/>
  <xsl:variable name="tk:word.keywords" select="'Keywords'"/>
  <xsl:variable name="tk:word.declarations" select="'Editorial declarations'"/>
  <xsl:variable name="tk:word.revisions" select="'Revision history'"/>
  <xsl:variable name="tk:word.made-by" select="'Rendered from TEI P5 by'"/>
  <xsl:variable name="tk:word.image" select="'image'"/>

  <!-- The register: entries in standOff or the header, by kind. -->
  <xsl:variable name="tk:register" select="/*/tei:standOff | /*/tei:teiHeader | /tei:teiCorpus/tei:TEI/tei:standOff
                                             | /*/tei:text/tei:back"/>
  <xsl:variable name="tk:persons" select="$tk:register/descendant::*[self::tei:person or self::tei:personGrp][@xml:id]"/>
  <xsl:variable name="tk:orgs" select="$tk:register/descendant::tei:org[@xml:id]"/>
  <xsl:variable name="tk:places" select="$tk:register/descendant::tei:place[@xml:id]"/>
  <xsl:variable name="tk:dated" select="//tei:text/descendant::tei:date[@when or @from or @to or @notBefore or @notAfter]"/>
  <xsl:variable name="tk:names" select="//tei:text/descendant::*[self::tei:persName or self::tei:orgName or self::tei:placeName
                                        or self::tei:geogName or self::tei:name or self::tei:rs]"/>
  <xsl:variable name="tk:interventions"
      select="(//tei:text//tei:choice | //tei:text//tei:supplied | //tei:text//tei:app)[1]"/>

  <!-- ================================================================ the page -->

  <xsl:template match="/">
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
    <xsl:call-template name="tk:page"/>
  </xsl:template>

  <xsl:template name="tk:page">
    <html>
      <xsl:attribute name="lang"><xsl:call-template name="tk:page-language"/></xsl:attribute>
      <xsl:call-template name="tk:page-dir"/>
      <xsl:text>&#10;</xsl:text>
      <xsl:call-template name="tk:html-head"/>
      <xsl:text>&#10;</xsl:text>
      <body class="tk-page">
        <xsl:text>&#10;</xsl:text>
        <a class="tk-skip" href="#tk-main"><xsl:value-of select="$tk:word.skip"/></a>
        <xsl:text>&#10;</xsl:text>
        <xsl:call-template name="tk:title-block"/>
        <xsl:call-template name="tk:cite-this"/>
        <xsl:call-template name="tk:toc"/>
        <main id="tk-main">
          <xsl:text>&#10;</xsl:text>
          <xsl:call-template name="tk:toolbar"/>
          <xsl:call-template name="tk:letter-head"/>
          <xsl:call-template name="tk:msdesc-section"/>
          <xsl:call-template name="tk:text"/>
          <xsl:call-template name="tk:notes-section"/>
          <xsl:call-template name="tk:apparatus-section"/>
          <xsl:call-template name="tk:register-section"/>
          <xsl:call-template name="tk:dates-section"/>
          <xsl:call-template name="tk:about-section"/>
        </main>
        <xsl:text>&#10;</xsl:text>
        <xsl:call-template name="tk:page-footer"/>
      </body>
      <xsl:text>&#10;</xsl:text>
    </html>
  </xsl:template>

  <!-- The page's language: the TEI root's, the text's, the first declared, else 'und' (undetermined). -->
  <xsl:template name="tk:page-language">
    <!-- In this order: the root's, the text's, the first language the header declares. -->
    <xsl:variable name="declared" select="(/*/@xml:lang | /*[not(@xml:lang)]/tei:text/@xml:lang
        | /*[not(@xml:lang) and not(tei:text/@xml:lang)]/tei:teiHeader/tei:profileDesc/tei:langUsage/tei:language[1]/@ident
        | /*[not(@xml:lang) and not(tei:text/@xml:lang) and not(tei:teiHeader/tei:profileDesc/tei:langUsage/tei:language)]
          /tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:msDesc[1]/@xml:lang)[1]"/>
    <xsl:choose>
      <xsl:when test="normalize-space($declared) != ''">
        <xsl:call-template name="tk:html-lang"><xsl:with-param name="value" select="$declared"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>und</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="tk:html-head">
    <head>
      <xsl:text>&#10;</xsl:text>
      <meta name="viewport" content="width=device-width, initial-scale=1"/>
      <xsl:text>&#10;</xsl:text>
      <meta name="generator" content="{$generator}"/>
      <xsl:text>&#10;</xsl:text>
      <title><xsl:call-template name="tk:main-title"><xsl:with-param name="header" select="/*/tei:teiHeader"/></xsl:call-template></title>
      <xsl:text>&#10;</xsl:text>
      <xsl:if test="$css != ''">
        <style><xsl:value-of select="$css"/></style>
        <xsl:text>&#10;</xsl:text>
      </xsl:if>
    </head>
  </xsl:template>

  <xsl:template name="tk:page-footer">
    <footer class="tk-footer">
      <p><xsl:value-of select="concat($tk:word.made-by, ' ', $generator, '.')"/></p>
    </footer>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <!-- ================================================================ title block -->

  <xsl:template name="tk:title-block">
    <xsl:variable name="header" select="/*/tei:teiHeader"/>
    <xsl:variable name="stmt" select="$header/tei:fileDesc/tei:titleStmt"/>
    <header class="tk-title-block">
      <xsl:text>&#10;</xsl:text>
      <h1 dir="auto"><xsl:call-template name="tk:main-title"><xsl:with-param name="header" select="$header"/></xsl:call-template></h1>
      <xsl:text>&#10;</xsl:text>
      <xsl:for-each select="$stmt/tei:title[@type = 'sub' or @type = 'subtitle' or @type = 'alt']">
        <p class="tk-subtitle"><xsl:apply-templates mode="tk:plain"/></p>
        <xsl:text>&#10;</xsl:text>
      </xsl:for-each>
      <xsl:if test="$stmt/tei:author">
        <p class="tk-authors">
          <xsl:value-of select="concat($tk:word.authors, ' ')"/>
          <xsl:for-each select="$stmt/tei:author">
            <xsl:if test="position() > 1"><xsl:text>; </xsl:text></xsl:if>
            <xsl:call-template name="tk:person-line"/>
          </xsl:for-each>
        </p>
        <xsl:text>&#10;</xsl:text>
      </xsl:if>
      <xsl:if test="$stmt/tei:editor">
        <p class="tk-editors">
          <xsl:value-of select="concat($tk:word.editors, ' ')"/>
          <xsl:for-each select="$stmt/tei:editor">
            <xsl:if test="position() > 1"><xsl:text>; </xsl:text></xsl:if>
            <xsl:call-template name="tk:person-line"/>
          </xsl:for-each>
        </p>
        <xsl:text>&#10;</xsl:text>
      </xsl:if>
      <xsl:call-template name="tk:facts"/>
    </header>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <!-- An author or editor: the name (linked to the register when @ref resolves) and the role. -->
  <xsl:template name="tk:person-line">
    <xsl:variable name="entry">
      <xsl:call-template name="tk:local-target"><xsl:with-param name="pointer" select="@ref"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="name">
      <xsl:choose>
        <xsl:when test="tei:persName | tei:orgName | tei:name">
          <xsl:apply-templates select="(tei:persName | tei:orgName | tei:name)[1]" mode="tk:plain"/>
        </xsl:when>
        <xsl:otherwise><xsl:apply-templates mode="tk:plain"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$entry != '' and key('tk:id', $entry)[self::tei:person or self::tei:personGrp or self::tei:org]">
        <a href="#{$entry}"><xsl:value-of select="normalize-space($name)"/></a>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="normalize-space($name)"/></xsl:otherwise>
    </xsl:choose>
    <xsl:if test="@role">
      <xsl:value-of select="concat(' (', @role, ')')"/>
    </xsl:if>
  </xsl:template>

  <!-- Responsibility, publication and source: the facts a citation needs. -->
  <xsl:template name="tk:facts">
    <xsl:variable name="file" select="/*/tei:teiHeader/tei:fileDesc"/>
    <xsl:if test="$file/tei:titleStmt/tei:respStmt or $file/tei:publicationStmt or $file/tei:sourceDesc">
      <dl class="tk-facts">
        <xsl:text>&#10;</xsl:text>
        <xsl:if test="$file/tei:titleStmt/tei:respStmt">
          <dt><xsl:value-of select="$tk:word.responsibility"/></dt>
          <xsl:for-each select="$file/tei:titleStmt/tei:respStmt">
            <dd>
              <xsl:apply-templates select="tei:resp" mode="tk:plain"/>
              <xsl:text>: </xsl:text>
              <xsl:for-each select="tei:name | tei:persName | tei:orgName">
                <xsl:if test="position() > 1"><xsl:text>, </xsl:text></xsl:if>
                <xsl:apply-templates select="." mode="tk:plain"/>
              </xsl:for-each>
            </dd>
          </xsl:for-each>
          <xsl:text>&#10;</xsl:text>
        </xsl:if>
        <xsl:for-each select="$file/tei:publicationStmt[tei:publisher or tei:distributor or tei:authority or tei:date]">
          <dt><xsl:value-of select="$tk:word.publication"/></dt>
          <dd>
            <xsl:for-each select="tei:publisher | tei:distributor | tei:authority | tei:pubPlace | tei:date">
              <xsl:if test="position() > 1"><xsl:text>, </xsl:text></xsl:if>
              <xsl:apply-templates select="." mode="tk:plain"/>
            </xsl:for-each>
          </dd>
          <xsl:text>&#10;</xsl:text>
        </xsl:for-each>
        <xsl:for-each select="$file/tei:sourceDesc">
          <dt><xsl:value-of select="$tk:word.source"/></dt>
          <dd><xsl:apply-templates select="*" mode="tk:source"/></dd>
          <xsl:text>&#10;</xsl:text>
        </xsl:for-each>
      </dl>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- mode tk:source: a source description as a citation (one div per bibliographic item). -->
  <xsl:template match="*" mode="tk:source">
    <div class="tk-source tei-{local-name()}">
      <xsl:apply-templates select="." mode="tk:citation"/>
    </div>
  </xsl:template>

  <!-- mode tk:citation: any bibliographic element as one line of plain text; notes after it. -->
  <xsl:template match="*" mode="tk:citation">
    <xsl:variable name="line"><xsl:apply-templates mode="tk:citation-line"/></xsl:variable>
    <xsl:value-of select="normalize-space($line)"/>
    <xsl:for-each select=".//tei:note[not(ancestor::tei:relatedItem)]">
      <xsl:text> </xsl:text><span class="tk-source-note"><xsl:apply-templates mode="tk:plain"/></span>
    </xsl:for-each>
  </xsl:template>
  <xsl:template match="tei:biblFull" mode="tk:citation">
    <xsl:variable name="parts">
      <xsl:for-each select="tei:titleStmt/tei:title | tei:titleStmt/tei:author | tei:editionStmt/tei:edition
                            | tei:publicationStmt/tei:publisher | tei:publicationStmt/tei:pubPlace
                            | tei:publicationStmt/tei:date">
        <xsl:if test="position() > 1"><xsl:text>. </xsl:text></xsl:if>
        <xsl:apply-templates select="." mode="tk:plain"/>
      </xsl:for-each>
    </xsl:variable>
    <xsl:value-of select="normalize-space($parts)"/>
  </xsl:template>
  <xsl:template match="*" mode="tk:citation-line">
    <xsl:if test="preceding-sibling::* and not(self::tei:note)"><xsl:text> </xsl:text></xsl:if>
    <xsl:apply-templates mode="tk:citation-line"/>
    <!-- A full stop after a title or name, unless the item or the text after it already has punctuation. -->
    <xsl:variable name="after" select="normalize-space(following-sibling::node()[1][self::text()])"/>
    <xsl:if test="(self::tei:title or self::tei:author or self::tei:editor) and following-sibling::*
                  and not(substring(normalize-space(.), string-length(normalize-space(.))) = '.')
                  and not(contains('.,;:', substring($after, 1, 1)) and $after != '')">
      <xsl:text>.</xsl:text>
    </xsl:if>
  </xsl:template>
  <xsl:template match="tei:note" mode="tk:citation-line"/>
  <xsl:template match="text()" mode="tk:citation-line"><xsl:value-of select="."/></xsl:template>

  <!-- ================================================================ table of contents -->

  <xsl:template name="tk:toc">
    <xsl:variable name="headed" select="//tei:text/descendant::*[self::tei:div or self::tei:div1 or self::tei:div2
        or self::tei:div3 or self::tei:div4 or self::tei:div5 or self::tei:div6 or self::tei:div7][tei:head or @n
        or @type = 'edition' or @type = 'apparatus' or @type = 'translation' or @type = 'commentary']"/>
    <nav class="tk-toc" aria-labelledby="tk-toc-heading">
      <xsl:text>&#10;</xsl:text>
      <h2 id="tk-toc-heading"><xsl:value-of select="$tk:word.contents"/></h2>
      <xsl:text>&#10;</xsl:text>
      <xsl:if test="$headed">
        <ol class="tk-toc-text">
          <xsl:apply-templates select="/*/tei:text/* | /tei:teiCorpus/tei:TEI/tei:text/*" mode="tk:toc"/>
        </ol>
        <xsl:text>&#10;</xsl:text>
      </xsl:if>
      <ol class="tk-toc-extra">
        <xsl:if test="$tk:collected-notes">
          <li><a href="#tk-notes"><xsl:value-of select="$tk:word.notes"/></a></li>
        </xsl:if>
        <xsl:call-template name="tk:genre-toc-entries"/>
        <xsl:if test="$tk:persons | $tk:orgs | $tk:places | $tk:works | $tk:events">
          <li><a href="#tk-register"><xsl:value-of select="$tk:word.register"/></a></li>
        </xsl:if>
        <xsl:if test="$tk:dated">
          <li><a href="#tk-dates"><xsl:value-of select="$tk:word.dates"/></a></li>
        </xsl:if>
        <li><a href="#tk-about"><xsl:value-of select="$tk:word.about"/></a></li>
      </ol>
      <xsl:text>&#10;</xsl:text>
    </nav>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <!-- mode tk:toc: a headed division is an entry; a division without a head lifts its children up. -->
  <xsl:template match="*" mode="tk:toc">
    <xsl:apply-templates select="*" mode="tk:toc"/>
  </xsl:template>
  <xsl:template match="tei:teiHeader | tei:p | tei:ab | tei:lg | tei:sp | tei:list | tei:table | tei:note
                       | tei:head | tei:figure | tei:quote | tei:floatingText" mode="tk:toc"/>
  <xsl:template match="tei:div[tei:head] | tei:div1[tei:head] | tei:div2[tei:head] | tei:div3[tei:head]
                       | tei:div4[tei:head] | tei:div5[tei:head] | tei:div6[tei:head] | tei:div7[tei:head]"
                mode="tk:toc">
    <xsl:variable name="children">
      <xsl:apply-templates select="*" mode="tk:toc"/>
    </xsl:variable>
    <li>
      <a>
        <xsl:attribute name="href">#<xsl:call-template name="tk:id"/></xsl:attribute>
        <xsl:variable name="head"><xsl:apply-templates select="tei:head[1]" mode="tk:plain"/></xsl:variable>
        <xsl:value-of select="normalize-space($head)"/>
      </a>
      <xsl:if test="string($children) != ''">
        <ol><xsl:apply-templates select="*" mode="tk:toc"/></ol>
      </xsl:if>
    </li>
  </xsl:template>

  <!-- ================================================================ toolbar -->

  <!-- Checkboxes that switch highlighting on (CSS :has() does the rest: no script). -->
  <xsl:template name="tk:toolbar">
    <xsl:variable name="kinds">
      <xsl:for-each select="$tk:names">
        <xsl:text> </xsl:text><xsl:call-template name="tk:entity-type"/>
      </xsl:for-each>
    </xsl:variable>
    <xsl:if test="$tk:names or //tei:text//tei:date or $tk:interventions">
      <fieldset class="tk-toolbar">
        <legend><xsl:value-of select="$tk:word.highlight"/></legend>
        <xsl:if test="contains($kinds, 'person')">
          <xsl:call-template name="tk:toggle"><xsl:with-param name="kind" select="'person'"/>
            <xsl:with-param name="label" select="$tk:word.persons"/></xsl:call-template>
        </xsl:if>
        <xsl:if test="contains($kinds, 'org')">
          <xsl:call-template name="tk:toggle"><xsl:with-param name="kind" select="'org'"/>
            <xsl:with-param name="label" select="$tk:word.orgs"/></xsl:call-template>
        </xsl:if>
        <xsl:if test="contains($kinds, 'place')">
          <xsl:call-template name="tk:toggle"><xsl:with-param name="kind" select="'place'"/>
            <xsl:with-param name="label" select="$tk:word.places"/></xsl:call-template>
        </xsl:if>
        <xsl:if test="//tei:text//tei:date">
          <xsl:call-template name="tk:toggle"><xsl:with-param name="kind" select="'date'"/>
            <xsl:with-param name="label" select="$tk:word.dates"/></xsl:call-template>
        </xsl:if>
        <xsl:if test="$tk:interventions">
          <xsl:call-template name="tk:toggle"><xsl:with-param name="kind" select="'edits'"/>
            <xsl:with-param name="label" select="$tk:word.interventions"/></xsl:call-template>
        </xsl:if>
      </fieldset>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template name="tk:toggle">
    <xsl:param name="kind"/>
    <xsl:param name="label"/>
    <label class="tk-toggle tk-toggle-{$kind}">
      <input type="checkbox" id="tk-show-{$kind}"/>
      <xsl:text> </xsl:text>
      <span class="tk-swatch tk-{$kind}"><xsl:value-of select="$label"/></span>
    </label>
    <xsl:text> </xsl:text>
  </xsl:template>

  <!-- ================================================================ the text -->

  <xsl:template name="tk:text">
    <xsl:choose>
      <xsl:when test="/tei:TEI/tei:text | /tei:teiCorpus">
        <xsl:apply-templates select="/tei:TEI/tei:text | /tei:teiCorpus/tei:TEI"/>
      </xsl:when>
      <!-- A TEI document without a text (a documentary transcription in sourceDoc, say): what it has. -->
      <xsl:when test="/tei:TEI">
        <div class="tk-text tk-fragment">
          <xsl:apply-templates select="/tei:TEI/*[not(self::tei:teiHeader or self::tei:standOff or self::tei:facsimile)]"/>
        </div>
        <xsl:text>&#10;</xsl:text>
      </xsl:when>
      <!-- Not a TEI document (a fragment, another vocabulary): everything, kept as text. -->
      <xsl:otherwise>
        <div class="tk-text tk-fragment">
          <xsl:apply-templates select="/*"/>
        </div>
        <xsl:text>&#10;</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:TEI">
    <article class="tk-corpus-member">
      <xsl:call-template name="tk:attributes"/>
      <h2><xsl:call-template name="tk:main-title"/></h2>
      <xsl:apply-templates select="tei:text"/>
    </article>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="tei:teiHeader | tei:standOff | tei:facsimile | tei:sourceDoc[../tei:text]"/>

  <xsl:template match="tei:text">
    <xsl:choose>
      <xsl:when test="not(parent::tei:TEI or parent::tei:group)">
        <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'div'"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <div class="tk-text tei-text">
          <xsl:call-template name="tk:attributes"><xsl:with-param name="class" select="'tk-text'"/></xsl:call-template>
          <xsl:text>&#10;</xsl:text>
          <xsl:apply-templates/>
        </div>
        <xsl:text>&#10;</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================ shared machinery -->

  <!--
    One TEI element as one HTML element: $block where blocks are allowed, $inline elsewhere,
    with id, lang and classes (tei-NAME, tei-NAME-TYPE, rend-TOKEN); its content in order.
  -->
  <xsl:template name="tk:element">
    <xsl:param name="block" select="'div'"/>
    <xsl:param name="inline" select="'span'"/>
    <xsl:param name="class" select="''"/>
    <!-- Where the block and inline tags are one (span for hi, seg, w …), where it stands changes nothing. -->
    <xsl:variable name="flow">
      <xsl:if test="$block != $inline"><xsl:call-template name="tk:in-flow"/></xsl:if>
    </xsl:variable>
    <xsl:variable name="tag">
      <xsl:choose>
        <xsl:when test="$flow = '1'"><xsl:value-of select="$block"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$inline"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:element name="{$tag}">
      <xsl:call-template name="tk:attributes"><xsl:with-param name="class" select="$class"/></xsl:call-template>
      <xsl:apply-templates/>
    </xsl:element>
    <xsl:if test="$flow = '1' and $block != $inline"><xsl:text>&#10;</xsl:text></xsl:if>
  </xsl:template>

  <!-- id (from xml:id, or $id), lang (from xml:lang) and class. -->
  <xsl:template name="tk:attributes">
    <xsl:param name="class" select="''"/>
    <xsl:param name="id" select="@xml:id"/>
    <!-- A repeated xml:id (a warning when the file is read) is the id of its first element only: HTML ids are unique. -->
    <xsl:if test="string($id) != '' and (string($id) != string(@xml:id) or count(key('tk:id', @xml:id)[1] | .) = 1)">
      <xsl:attribute name="id"><xsl:value-of select="$id"/></xsl:attribute>
    </xsl:if>
    <xsl:if test="@xml:lang"><xsl:attribute name="lang"><xsl:call-template name="tk:html-lang"/></xsl:attribute></xsl:if>
    <xsl:call-template name="tk:dir-and-style"/>
    <xsl:attribute name="class">
      <xsl:value-of select="concat('tei-', local-name())"/>
      <xsl:if test="@type and translate(@type, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_', '') = ''">
        <xsl:value-of select="concat(' tei-', local-name(), '-', @type)"/>
      </xsl:if>
      <xsl:call-template name="tk:rend-classes"><xsl:with-param name="rend" select="normalize-space(@rend)"/></xsl:call-template>
      <xsl:if test="$class != ''"><xsl:value-of select="concat(' ', $class)"/></xsl:if>
      <xsl:call-template name="tk:rendition-classes"/>
    </xsl:attribute>
  </xsl:template>

  <!-- rend="italic bold" → ' rend-italic rend-bold' (tokens that are not plain names are dropped). -->
  <xsl:template name="tk:rend-classes">
    <xsl:param name="rend"/>
    <xsl:if test="$rend != ''">
      <xsl:variable name="token" select="substring-before(concat($rend, ' '), ' ')"/>
      <xsl:if test="translate($token, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_', '') = ''">
        <xsl:value-of select="concat(' rend-', translate($token, $tk:upper, $tk:lower))"/>
      </xsl:if>
      <xsl:call-template name="tk:rend-classes">
        <xsl:with-param name="rend" select="substring-after($rend, ' ')"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- '1' inside something rendered as a link (a link may not hold another). -->
  <xsl:template name="tk:in-link">
    <xsl:if test="ancestor::tei:ref[@target] or ancestor::tei:ptr
                  or ancestor::*[@ref][self::tei:persName or self::tei:orgName or self::tei:placeName
                                 or self::tei:geogName or self::tei:name or self::tei:rs]">1</xsl:if>
  </xsl:template>

  <!-- Unknown elements keep their text: a div where blocks are allowed, else a span. -->
  <xsl:template match="*">
    <xsl:call-template name="tk:element"><xsl:with-param name="class" select="'tk-unknown'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="text()">
    <xsl:value-of select="."/>
  </xsl:template>

  <xsl:template match="comment() | processing-instruction()"/>

  <!-- ================================================================ structure -->

  <xsl:template match="tei:front | tei:body | tei:back | tei:group">
    <xsl:call-template name="tk:element"/>
  </xsl:template>

  <xsl:template match="tei:div | tei:div1 | tei:div2 | tei:div3 | tei:div4 | tei:div5 | tei:div6 | tei:div7">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:variable name="tag">
      <xsl:choose>
        <xsl:when test="$flow != '1'">span</xsl:when>
        <xsl:when test="tei:head">section</xsl:when>
        <xsl:otherwise>div</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="id"><xsl:call-template name="tk:id"/></xsl:variable>
    <xsl:element name="{$tag}">
      <xsl:call-template name="tk:attributes">
        <xsl:with-param name="id" select="substring($id, 1 div boolean(@xml:id or tei:head))"/>
        <xsl:with-param name="class" select="'tk-div'"/>
      </xsl:call-template>
      <xsl:text>&#10;</xsl:text>
      <xsl:apply-templates/>
    </xsl:element>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <!--
    A division's first head is an h2…h6: one level below the nearest headed ancestor
    division, so headings never skip a level however deep the unheaded divisions nest.
  -->
  <xsl:template match="tei:head">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:variable name="division" select="parent::tei:div | parent::tei:div1 | parent::tei:div2 | parent::tei:div3
                                          | parent::tei:div4 | parent::tei:div5 | parent::tei:div6 | parent::tei:div7"/>
    <xsl:choose>
      <xsl:when test="$division and $flow = '1' and not(preceding-sibling::tei:head)">
        <xsl:variable name="level">
          <xsl:for-each select="$division"><xsl:call-template name="tk:heading-level"/></xsl:for-each>
        </xsl:variable>
        <xsl:element name="h{$level}">
          <xsl:call-template name="tk:attributes"/>
          <xsl:apply-templates/>
        </xsl:element>
        <xsl:text>&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'p'"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:p | tei:ab">
    <xsl:variable name="holds-blocks" select="*[namespace-uri() = $tk:tei-ns
        and contains($tk:blocks-in-p, concat(' ', local-name(), ' '))]"/>
    <xsl:choose>
      <xsl:when test="$holds-blocks">
        <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'div'"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'p'"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Short blocks of the opening and closing of texts and divisions. -->
  <xsl:template match="tei:salute | tei:signed | tei:dateline | tei:byline | tei:docAuthor | tei:docDate
                       | tei:docEdition | tei:docImprint | tei:trailer | tei:titlePart | tei:imprimatur
                       | tei:speaker | tei:label[not(parent::tei:list)] | tei:address | tei:bibl[not(parent::tei:listBibl)]
                       | tei:biblStruct[not(parent::tei:listBibl)] | tei:change | tei:language | tei:keywords
                       | tei:seg[parent::tei:closer or parent::tei:opener]" priority="1">
    <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'p'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:opener | tei:closer | tei:titlePage | tei:docTitle | tei:epigraph | tei:argument
                       | tei:postscript | tei:floatingText | tei:cit | tei:spGrp | tei:letter">
    <xsl:call-template name="tk:element"/>
  </xsl:template>

  <xsl:template match="tei:addrLine">
    <span class="tei-addrLine"><xsl:apply-templates/></span>
    <xsl:if test="following-sibling::tei:addrLine"><br/></xsl:if>
  </xsl:template>

  <!-- ================================================================ verse and drama -->

  <xsl:template match="tei:lg | tei:sp">
    <xsl:call-template name="tk:element"/>
  </xsl:template>

  <xsl:template match="tei:l">
    <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'div'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:stage">
    <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'p'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:castList">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:call-template name="tk:list-like">
      <xsl:with-param name="flow" select="$flow"/>
      <xsl:with-param name="outer" select="'div'"/>
      <xsl:with-param name="list" select="'ul'"/>
      <xsl:with-param name="items" select="tei:castItem | tei:castGroup"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:castGroup">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:call-template name="tk:list-like">
      <xsl:with-param name="flow" select="$flow"/>
      <xsl:with-param name="outer" select="'li'"/>
      <xsl:with-param name="list" select="'ul'"/>
      <xsl:with-param name="items" select="tei:castItem | tei:castGroup"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:castItem">
    <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'li'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:roleDesc">
    <xsl:call-template name="tk:role-comma"/>
    <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'span'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:role | tei:actor">
    <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'span'"/></xsl:call-template>
  </xsl:template>

  <!-- ================================================================ lists -->

  <!--
    Something with heads and items (list, castList, castGroup, listBibl, listPerson …):
    $outer wraps the heads and the $list element; children that are not items are wrapped
    in an item of their own, so nothing is dropped and the HTML list stays valid.
  -->
  <xsl:template name="tk:list-like">
    <xsl:param name="flow"/>
    <xsl:param name="outer" select="'div'"/>
    <xsl:param name="list" select="'ul'"/>
    <xsl:param name="items"/>
    <xsl:param name="class" select="''"/>
    <xsl:variable name="outer-tag">
      <xsl:choose><xsl:when test="$flow = '1'"><xsl:value-of select="$outer"/></xsl:when><xsl:otherwise>span</xsl:otherwise></xsl:choose>
    </xsl:variable>
    <xsl:variable name="list-tag">
      <xsl:choose><xsl:when test="$flow = '1'"><xsl:value-of select="$list"/></xsl:when><xsl:otherwise>span</xsl:otherwise></xsl:choose>
    </xsl:variable>
    <xsl:element name="{$outer-tag}">
      <xsl:call-template name="tk:attributes"><xsl:with-param name="class" select="$class"/></xsl:call-template>
      <xsl:for-each select="tei:head">
        <xsl:choose>
          <xsl:when test="$flow = '1' and $outer-tag = 'div'">
            <p class="tei-head"><xsl:apply-templates/></p>
          </xsl:when>
          <xsl:otherwise><span class="tei-head"><xsl:apply-templates/></span></xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
      <xsl:element name="{$list-tag}">
        <xsl:if test="$flow != '1'"><xsl:attribute name="class">tk-list</xsl:attribute></xsl:if>
        <xsl:for-each select="node()[not(self::tei:head)][self::* or normalize-space()]">
          <xsl:choose>
            <xsl:when test="count(. | $items) = count($items)"><xsl:apply-templates select="."/></xsl:when>
            <xsl:when test="$flow = '1'"><li class="tk-extra"><xsl:apply-templates select="."/></li></xsl:when>
            <xsl:otherwise><span class="tk-extra"><xsl:apply-templates select="."/></span></xsl:otherwise>
          </xsl:choose>
        </xsl:for-each>
      </xsl:element>
    </xsl:element>
    <xsl:if test="$flow = '1'"><xsl:text>&#10;</xsl:text></xsl:if>
  </xsl:template>

  <xsl:template match="tei:list">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:variable name="style" select="translate(concat(' ', @type, ' ', @rend, ' '), $tk:upper, $tk:lower)"/>
    <xsl:variable name="labelled" select="tei:item[@n][not(contains(' • · ◦ ▪ - – — * ', concat(' ', normalize-space(@n), ' ')))]"/>
    <xsl:choose>
      <xsl:when test="tei:label or contains($style, 'gloss')">
        <xsl:call-template name="tk:glossary"><xsl:with-param name="flow" select="$flow"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="tk:list-like">
          <xsl:with-param name="flow" select="$flow"/>
          <xsl:with-param name="items" select="tei:item"/>
          <xsl:with-param name="class" select="substring('tk-labelled', 1 div boolean($labelled))"/>
          <xsl:with-param name="outer" select="'div'"/>
          <xsl:with-param name="list">
            <xsl:choose>
              <xsl:when test="contains($style, 'order') or contains($style, 'number') or contains($style, 'arabic')
                              or contains($style, 'roman') or contains($style, 'alpha')">ol</xsl:when>
              <xsl:otherwise>ul</xsl:otherwise>
            </xsl:choose>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:item">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:element name="{substring('lispan', 1 + 2 * ($flow != '1'), 2 + 2 * ($flow != '1'))}">
      <xsl:call-template name="tk:attributes"/>
      <xsl:if test="@n and not(contains(' • · ◦ ▪ - – — * ', concat(' ', normalize-space(@n), ' ')))">
        <span class="tk-item-n"><xsl:value-of select="@n"/></span><xsl:text> </xsl:text>
      </xsl:if>
      <xsl:apply-templates/>
    </xsl:element>
    <xsl:if test="$flow = '1'"><xsl:text>&#10;</xsl:text></xsl:if>
  </xsl:template>

  <!-- A list of labels and items: a description list, one group per label. -->
  <xsl:template name="tk:glossary">
    <xsl:param name="flow"/>
    <xsl:choose>
      <xsl:when test="$flow = '1'">
        <div>
          <xsl:call-template name="tk:attributes"><xsl:with-param name="class" select="'tk-glossary'"/></xsl:call-template>
          <xsl:for-each select="tei:head"><p class="tei-head"><xsl:apply-templates/></p></xsl:for-each>
          <dl>
            <xsl:for-each select="*[not(self::tei:head)][not(self::tei:item and preceding-sibling::*[1][self::tei:label])]">
              <div class="tk-entry">
                <dt>
                  <xsl:if test="self::tei:label">
                    <xsl:call-template name="tk:attributes"/>
                    <xsl:apply-templates/>
                  </xsl:if>
                </dt>
                <dd>
                  <xsl:choose>
                    <xsl:when test="self::tei:label and following-sibling::*[1][self::tei:item]">
                      <xsl:for-each select="following-sibling::*[1]">
                        <xsl:call-template name="tk:attributes"/>
                        <xsl:apply-templates/>
                      </xsl:for-each>
                    </xsl:when>
                    <xsl:when test="self::tei:item">
                      <xsl:call-template name="tk:attributes"/>
                      <xsl:apply-templates/>
                    </xsl:when>
                    <xsl:when test="not(self::tei:label)"><xsl:apply-templates select="."/></xsl:when>
                  </xsl:choose>
                </dd>
              </div>
            </xsl:for-each>
          </dl>
        </div>
        <xsl:text>&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <span>
          <xsl:call-template name="tk:attributes"><xsl:with-param name="class" select="'tk-glossary'"/></xsl:call-template>
          <xsl:for-each select="*">
            <span class="tk-extra"><xsl:apply-templates select="."/></span>
          </xsl:for-each>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="tei:list/tei:label">
    <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'span'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:listBibl">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:call-template name="tk:list-like">
      <xsl:with-param name="flow" select="$flow"/>
      <xsl:with-param name="items" select="tei:bibl | tei:biblStruct | tei:biblFull | tei:msDesc"/>
    </xsl:call-template>
  </xsl:template>
  <xsl:template match="tei:listBibl/tei:bibl | tei:listBibl/tei:biblStruct | tei:listBibl/tei:biblFull
                       | tei:listBibl/tei:msDesc">
    <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'li'"/></xsl:call-template>
  </xsl:template>

  <!-- Registers inside the text are lists of their entries. -->
  <xsl:template match="tei:listPerson | tei:listOrg | tei:listPlace | tei:listEvent | tei:listRelation">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:call-template name="tk:list-like">
      <xsl:with-param name="flow" select="$flow"/>
      <xsl:with-param name="items" select="*[not(self::tei:head)]"/>
    </xsl:call-template>
  </xsl:template>
  <xsl:template match="tei:listPerson/* | tei:listOrg/* | tei:listPlace/* | tei:listEvent/* | tei:listRelation/*">
    <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'li'"/></xsl:call-template>
  </xsl:template>
  <xsl:template match="tei:listPerson/tei:head | tei:listOrg/tei:head | tei:listPlace/tei:head
                       | tei:listEvent/tei:head | tei:listRelation/tei:head" priority="2"/>

  <!-- ================================================================ tables and figures -->

  <xsl:template match="tei:table">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$flow = '1'">
        <table>
          <xsl:call-template name="tk:attributes"/>
          <xsl:if test="tei:head">
            <caption><xsl:for-each select="tei:head"><xsl:apply-templates/><xsl:text> </xsl:text></xsl:for-each></caption>
          </xsl:if>
          <xsl:for-each select="node()[not(self::tei:head)][self::* or normalize-space()]">
            <xsl:choose>
              <xsl:when test="self::tei:row"><xsl:apply-templates select="."/></xsl:when>
              <xsl:otherwise><tr class="tk-extra"><td><xsl:apply-templates select="."/></td></tr></xsl:otherwise>
            </xsl:choose>
          </xsl:for-each>
        </table>
        <xsl:text>&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <span role="table">
          <xsl:call-template name="tk:attributes"/>
          <xsl:for-each select="tei:head"><span class="tei-head"><xsl:apply-templates/></span></xsl:for-each>
          <xsl:apply-templates select="node()[not(self::tei:head)]"/>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:row">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$flow = '1'">
        <tr>
          <xsl:call-template name="tk:attributes"/>
          <xsl:for-each select="node()[self::* or normalize-space()]">
            <xsl:choose>
              <xsl:when test="self::tei:cell"><xsl:apply-templates select="."/></xsl:when>
              <xsl:otherwise><td class="tk-extra"><xsl:apply-templates select="."/></td></xsl:otherwise>
            </xsl:choose>
          </xsl:for-each>
        </tr>
        <xsl:text>&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <span role="row"><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:cell">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:variable name="header" select="@role = 'label' or ../@role = 'label'"/>
    <xsl:choose>
      <xsl:when test="$flow = '1'">
        <xsl:element name="{substring('tdth', 1 + 2 * $header, 2)}">
          <xsl:call-template name="tk:attributes"/>
          <xsl:if test="floor(@cols) = @cols and @cols > 1"><xsl:attribute name="colspan"><xsl:value-of select="@cols"/></xsl:attribute></xsl:if>
          <xsl:if test="floor(@rows) = @rows and @rows > 1"><xsl:attribute name="rowspan"><xsl:value-of select="@rows"/></xsl:attribute></xsl:if>
          <xsl:apply-templates/>
        </xsl:element>
      </xsl:when>
      <xsl:otherwise>
        <span role="{substring('cellcolumnheader', 1 + 4 * $header, 4 + 8 * $header)}">
          <xsl:call-template name="tk:attributes"/>
          <xsl:apply-templates/>
        </span>
        <xsl:text> </xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:figure">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:variable name="caption" select="tei:head | tei:figDesc"/>
    <xsl:element name="{substring('figurespan', 1 + 6 * ($flow != '1'), 6 - 2 * ($flow != '1'))}">
      <xsl:call-template name="tk:attributes"/>
      <xsl:apply-templates select="node()[not(self::tei:head or self::tei:figDesc)]"/>
      <xsl:if test="$caption">
        <xsl:element name="{substring('figcaptionspan', 1 + 10 * ($flow != '1'), 10 - 6 * ($flow != '1'))}">
          <xsl:attribute name="class">tk-caption</xsl:attribute>
          <xsl:for-each select="$caption">
            <span>
              <xsl:call-template name="tk:attributes"/>
              <xsl:apply-templates/>
            </span>
            <xsl:text> </xsl:text>
          </xsl:for-each>
        </xsl:element>
      </xsl:if>
    </xsl:element>
    <xsl:if test="$flow = '1'"><xsl:text>&#10;</xsl:text></xsl:if>
  </xsl:template>

  <!--
    A graphic is an img when its file is local (relative or data:); a remote one becomes a
    link, so that opening the page never touches the network.
  -->
  <xsl:template match="tei:graphic | tei:media">
    <xsl:variable name="alt">
      <xsl:choose>
        <xsl:when test="tei:desc"><xsl:apply-templates select="tei:desc/node()" mode="tk:plain"/></xsl:when>
        <xsl:when test="../tei:figDesc"><xsl:apply-templates select="../tei:figDesc/node()" mode="tk:plain"/></xsl:when>
        <xsl:when test="../tei:head"><xsl:apply-templates select="../tei:head[1]" mode="tk:plain"/></xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="in-link"><xsl:call-template name="tk:in-link"/></xsl:variable>
    <xsl:variable name="remote" select="contains(substring-before(@url, '/'), ':') and not(starts-with(@url, 'data:'))
                                        or starts-with(@url, '//')"/>
    <xsl:choose>
      <xsl:when test="not(@url)">
        <span class="tei-graphic"><xsl:value-of select="normalize-space($alt)"/></span>
      </xsl:when>
      <xsl:when test="$remote and $in-link != '1'">
        <a class="tei-graphic tk-remote" href="{@url}">
          <xsl:value-of select="concat('[', $tk:word.image, ': ', normalize-space($alt), ']')"/>
        </a>
      </xsl:when>
      <xsl:when test="$remote">
        <span class="tei-graphic tk-remote"><xsl:value-of select="concat('[', $tk:word.image, ']')"/></span>
      </xsl:when>
      <xsl:otherwise>
        <img class="tei-graphic" src="{@url}" alt="{normalize-space($alt)}" loading="lazy">
          <xsl:if test="@xml:id"><xsl:attribute name="id"><xsl:value-of select="@xml:id"/></xsl:attribute></xsl:if>
        </img>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="tei:graphic/tei:desc | tei:media/tei:desc"/>

  <!-- ================================================================ quotation -->

  <xsl:template match="tei:quote">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$flow = '1' and (tei:p or tei:lg or tei:l or tei:list or tei:sp or tei:table
                      or not(parent::tei:p or parent::tei:ab or parent::tei:head or parent::tei:l
                             or parent::tei:item or parent::tei:cell or parent::tei:cit[parent::tei:p]))">
        <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'blockquote'"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <q><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></q>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Quotation marks are characters of TEI texts, so q adds none (the CSS sets quotes: none). -->
  <xsl:template match="tei:q | tei:said">
    <q><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></q>
  </xsl:template>

  <!-- ================================================================ phrase level -->

  <xsl:template match="tei:hi | tei:foreign | tei:mentioned | tei:soCalled | tei:term | tei:gloss | tei:distinct
                       | tei:num | tei:measure | tei:unit | tei:seg | tei:w | tei:pc | tei:c | tei:orig | tei:reg
                       | tei:sic | tei:corr | tei:abbr | tei:expan | tei:ex | tei:am | tei:unclear | tei:damage
                       | tei:surplus | tei:secl | tei:lem | tei:roleName | tei:forename | tei:surname | tei:addName
                       | tei:genName | tei:nameLink | tei:idno | tei:resp | tei:publisher | tei:pubPlace
                       | tei:edition | tei:author | tei:editor | tei:biblScope | tei:desc | tei:email | tei:time
                       | tei:title[@level = 'a' or @level = 'u'] | tei:titleStmt/tei:title">
    <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'span'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:emph">
    <em><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></em>
  </xsl:template>

  <xsl:template match="tei:title">
    <cite><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></cite>
  </xsl:template>

  <xsl:template match="tei:code | tei:gi | tei:att | tei:val | tei:tag | tei:ident">
    <code><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></code>
  </xsl:template>

  <xsl:template match="tei:eg">
    <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'pre'"/>
      <xsl:with-param name="inline" select="'code'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:del">
    <del><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></del>
  </xsl:template>
  <xsl:template match="tei:add">
    <ins><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></ins>
  </xsl:template>

  <xsl:template match="tei:licence[@target]">
    <xsl:variable name="in-link"><xsl:call-template name="tk:in-link"/></xsl:variable>
    <span class="tei-licence">
      <xsl:choose>
        <xsl:when test="$in-link != '1' and (starts-with(@target, 'http:') or starts-with(@target, 'https:'))">
          <a href="{@target}">
            <xsl:apply-templates/>
            <xsl:if test="normalize-space(.) = ''"><xsl:value-of select="@target"/></xsl:if>
          </a>
        </xsl:when>
        <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <!-- ================================================================ editorial interventions -->

  <!--
    choice: the edited reading (corr, reg, expan, else the first alternative) is the text; the
    others are kept, hidden until the reader asks for editorial interventions.
  -->
  <xsl:template match="tei:choice">
    <xsl:variable name="shown" select="(tei:corr | tei:reg | tei:expan)[1] | *[1][not(../tei:corr | ../tei:reg | ../tei:expan)]"/>
    <span>
      <xsl:call-template name="tk:attributes"/>
      <xsl:apply-templates select="$shown"/>
      <xsl:for-each select="*[count(. | $shown) != count($shown)]">
        <span class="tk-alt">
          <xsl:apply-templates select="."/>
        </span>
      </xsl:for-each>
    </span>
  </xsl:template>

  <xsl:template match="tei:app">
    <xsl:variable name="shown" select="(tei:lem | tei:rdg)[1]"/>
    <span>
      <xsl:call-template name="tk:attributes"/>
      <xsl:apply-templates select="$shown"/>
      <xsl:for-each select="*[count(. | $shown) != count($shown)]">
        <span class="tk-alt">
          <xsl:if test="@wit"><span class="tk-wit"><xsl:value-of select="@wit"/></span><xsl:text> </xsl:text></xsl:if>
          <xsl:apply-templates select="."/>
        </span>
      </xsl:for-each>
    </span>
  </xsl:template>
  <xsl:template match="tei:rdg | tei:rdgGrp | tei:wit">
    <xsl:call-template name="tk:element"><xsl:with-param name="block" select="'span'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:supplied">
    <span>
      <xsl:call-template name="tk:attributes"/>
      <span class="tk-bracket" aria-hidden="true">[</span>
      <xsl:apply-templates/>
      <span class="tk-bracket" aria-hidden="true">]</span>
    </span>
  </xsl:template>

  <!-- An omission: […], or its description in brackets ([illegible]). -->
  <xsl:template match="tei:gap">
    <span>
      <xsl:call-template name="tk:attributes"/>
      <xsl:call-template name="tk:gap-text"/>
    </span>
  </xsl:template>

  <!-- Running heads, catchwords and signatures are not part of the reading text; CSS hides them. -->
  <xsl:template match="tei:fw">
    <span><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></span>
  </xsl:template>

  <!-- ================================================================ milestones and breaks -->

  <xsl:template match="tei:lb">
    <xsl:if test="preceding-sibling::node()[self::* or normalize-space()]"><br/></xsl:if>
    <xsl:if test="@xml:id and count(key('tk:id', @xml:id)[1] | .) = 1"><span id="{@xml:id}" class="tei-lb"></span></xsl:if>
  </xsl:template>

  <xsl:template match="tei:pb">
    <span role="doc-pagebreak">
      <xsl:call-template name="tk:attributes"/>
      <xsl:if test="@n">
        <xsl:attribute name="aria-label"><xsl:value-of select="concat($tk:word.page, ' ', @n)"/></xsl:attribute>
        <xsl:value-of select="concat($tk:word.page, ' ', @n)"/>
      </xsl:if>
    </span>
  </xsl:template>

  <xsl:template match="tei:cb | tei:anchor | tei:milestone[not(@unit = 'section' or @rend)] | tei:space | tei:caesura">
    <xsl:if test="@xml:id and count(key('tk:id', @xml:id)[1] | .) = 1"><span id="{@xml:id}" class="tei-{local-name()}"></span></xsl:if>
    <xsl:if test="self::tei:space and not(@dim = 'vertical')"><xsl:text> </xsl:text></xsl:if>
    <xsl:if test="self::tei:caesura"><xsl:text>  </xsl:text></xsl:if>
  </xsl:template>

  <!-- A section break: its printed sign (@rend, e.g. * * *) or a rule. -->
  <xsl:template match="tei:milestone[@unit = 'section' or @rend]">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$flow = '1' and @rend">
        <p role="separator"><xsl:call-template name="tk:attributes"/><xsl:call-template name="tk:printed-sign"/></p>
        <xsl:text>&#10;</xsl:text>
      </xsl:when>
      <xsl:when test="$flow = '1'">
        <hr><xsl:call-template name="tk:attributes"/></hr>
        <xsl:text>&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <span role="separator"><xsl:call-template name="tk:attributes"/>
          <xsl:if test="@rend"><xsl:call-template name="tk:printed-sign"/></xsl:if></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================ links and notes -->

  <xsl:template match="tei:ref | tei:ptr">
    <xsl:variable name="note"><xsl:call-template name="tk:pointed-note-id"/></xsl:variable>
    <xsl:variable name="local">
      <xsl:call-template name="tk:local-target"><xsl:with-param name="pointer" select="@target"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="first" select="substring-before(concat(normalize-space(@target), ' '), ' ')"/>
    <xsl:variable name="in-link"><xsl:call-template name="tk:in-link"/></xsl:variable>
    <xsl:variable name="marker"><xsl:call-template name="tk:is-marker"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$note != '' and $notes = 'no' and $marker = '1'"/>
      <xsl:when test="$note != '' and $in-link != '1'">
        <a href="#{$note}" role="doc-noteref">
          <xsl:call-template name="tk:attributes">
            <xsl:with-param name="id"><xsl:call-template name="tk:id"/></xsl:with-param>
            <xsl:with-param name="class" select="substring('tk-noteref', 1 div ($marker = '1'))"/>
          </xsl:call-template>
          <xsl:call-template name="tk:pointer-text"/>
        </a>
        <xsl:call-template name="tk:note-preview"><xsl:with-param name="note" select="key('tk:id', $note)"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="$in-link = '1' or not(@target) or ($local != '' and not(key('tk:id', $local)))
                      or translate($first, '0123456789-', '') = '' or starts-with($first, 'file:')">
        <span><xsl:call-template name="tk:attributes"/><xsl:call-template name="tk:pointer-text"/></span>
      </xsl:when>
      <xsl:otherwise>
        <a href="{$first}"><xsl:call-template name="tk:attributes"/><xsl:call-template name="tk:pointer-text"/></a>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- What a pointer shows: a ref its content; a ptr the number of the note or the head of the division it points to. -->
  <xsl:template name="tk:pointer-text">
    <xsl:choose>
      <xsl:when test="self::tei:ref and (normalize-space() or *)"><xsl:apply-templates/></xsl:when>
      <xsl:otherwise>
        <xsl:variable name="local">
          <xsl:call-template name="tk:local-target"><xsl:with-param name="pointer" select="@target"/></xsl:call-template>
        </xsl:variable>
        <xsl:variable name="target" select="key('tk:id', $local)"/>
        <xsl:choose>
          <xsl:when test="$target[self::tei:note]">
            <xsl:for-each select="$target"><xsl:call-template name="tk:note-number"/></xsl:for-each>
          </xsl:when>
          <xsl:when test="$target/tei:head">
            <xsl:variable name="head"><xsl:apply-templates select="$target/tei:head[1]" mode="tk:plain"/></xsl:variable>
            <xsl:value-of select="normalize-space($head)"/>
          </xsl:when>
          <xsl:when test="$target/@n"><xsl:value-of select="$target/@n"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="@target"/></xsl:otherwise>
        </xsl:choose>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    The note shown beside its marker on hover or keyboard focus, so it can be read without
    leaving the passage. aria-hidden: screen readers follow the link to the note instead, and
    print hides it (the notes are printed where they are collected).
  -->
  <xsl:template name="tk:note-preview">
    <xsl:param name="note"/>
    <xsl:variable name="text"><xsl:apply-templates select="$note/node()" mode="tk:plain"/></xsl:variable>
    <span class="tk-preview" aria-hidden="true">
      <xsl:if test="not($note/tei:label)">
        <span class="tk-preview-n"><xsl:for-each select="$note"><xsl:call-template name="tk:note-number"/></xsl:for-each></span>
        <xsl:text> </xsl:text>
      </xsl:if>
      <xsl:value-of select="normalize-space($text)"/>
    </span>
  </xsl:template>
  <xsl:template match="tei:note/tei:label" mode="tk:plain">
    <xsl:apply-templates mode="tk:plain"/><xsl:text> </xsl:text>
  </xsl:template>

  <xsl:template match="tei:note">
    <xsl:variable name="placement"><xsl:call-template name="tk:note-placement"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$notes = 'no' and ancestor::tei:text"/>
      <xsl:when test="$placement = 'collected'">
        <xsl:call-template name="tk:note-marker"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="tk:note-in-place"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A note shown where it stands, with links back to every pointer to it. -->
  <xsl:template name="tk:note-in-place">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:variable name="pointers" select="key('tk:pointers', concat('#', @xml:id))[current()/@xml:id]"/>
    <xsl:variable name="foot" select="@type = 'footnote' or @place = 'foot' or @place = 'bottom' or @type = 'endnote'
                                      or @place = 'end'"/>
    <!-- A div with a role rather than an aside: an aside is a landmark, and notes are not landmarks. -->
    <xsl:element name="{substring('divspan', 1 + 3 * ($flow != '1'), 3 + ($flow != '1'))}">
      <xsl:if test="$flow = '1'">
        <xsl:attribute name="role">
          <xsl:choose><xsl:when test="$foot and @xml:id and $pointers">doc-footnote</xsl:when><xsl:otherwise>note</xsl:otherwise></xsl:choose>
        </xsl:attribute>
      </xsl:if>
      <xsl:call-template name="tk:attributes"/>
      <xsl:apply-templates/>
      <xsl:for-each select="$pointers">
        <xsl:text> </xsl:text>
        <xsl:call-template name="tk:backref">
          <xsl:with-param name="to"><xsl:call-template name="tk:id"/></xsl:with-param>
        </xsl:call-template>
      </xsl:for-each>
    </xsl:element>
    <xsl:if test="$flow = '1'"><xsl:text>&#10;</xsl:text></xsl:if>
  </xsl:template>

  <xsl:template name="tk:backref">
    <xsl:param name="to"/>
    <a class="tk-backref" href="#{$to}">↩<span class="tk-sr"><xsl:value-of select="concat(' ', $tk:word.back-to-text)"/></span></a>
  </xsl:template>

  <!-- A footnote written at its point of attachment: a numbered marker here, the note after the text. -->
  <xsl:template name="tk:note-marker">
    <xsl:variable name="id"><xsl:call-template name="tk:id"/></xsl:variable>
    <xsl:variable name="in-link"><xsl:call-template name="tk:in-link"/></xsl:variable>
    <xsl:variable name="number"><xsl:call-template name="tk:note-number"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$in-link = '1'">
        <span class="tk-noteref" id="tk-noteref-{$id}"><xsl:value-of select="$number"/></span>
      </xsl:when>
      <xsl:otherwise>
        <a class="tk-noteref" id="tk-noteref-{$id}" href="#{$id}" role="doc-noteref"><xsl:value-of select="$number"/></a>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:call-template name="tk:note-preview"><xsl:with-param name="note" select="."/></xsl:call-template>
  </xsl:template>

  <xsl:template name="tk:notes-section">
    <xsl:if test="$tk:collected-notes and $notes != 'no'">
      <section class="tk-notes" id="tk-notes" aria-labelledby="tk-notes-heading">
        <xsl:text>&#10;</xsl:text>
        <h2 id="tk-notes-heading"><xsl:value-of select="$tk:word.notes"/></h2>
        <xsl:text>&#10;</xsl:text>
        <ol class="tk-note-list">
          <xsl:text>&#10;</xsl:text>
          <xsl:for-each select="$tk:collected-notes">
            <xsl:variable name="id"><xsl:call-template name="tk:id"/></xsl:variable>
            <li>
              <xsl:call-template name="tk:attributes"><xsl:with-param name="id" select="$id"/></xsl:call-template>
              <xsl:if test="not(tei:label)">
                <span class="tk-note-n"><xsl:call-template name="tk:note-number"/></span>
                <xsl:text> </xsl:text>
              </xsl:if>
              <xsl:apply-templates/>
              <xsl:text> </xsl:text>
              <xsl:call-template name="tk:backref"><xsl:with-param name="to" select="concat('tk-noteref-', $id)"/></xsl:call-template>
            </li>
            <xsl:text>&#10;</xsl:text>
          </xsl:for-each>
        </ol>
        <xsl:text>&#10;</xsl:text>
      </section>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template match="tei:note/tei:label" priority="2">
    <span><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></span>
  </xsl:template>

  <!-- ================================================================ names and dates -->

  <!--
    A name in the text: a link to its register entry when @ref resolves (classes and data-
    attributes say what it names), else a span with the same classes.
  -->
  <xsl:template match="tei:persName | tei:orgName | tei:placeName | tei:geogName | tei:name | tei:rs">
    <xsl:variable name="type"><xsl:call-template name="tk:entity-type"/></xsl:variable>
    <xsl:variable name="entry"><xsl:call-template name="tk:entry-id"/></xsl:variable>
    <xsl:variable name="in-link"><xsl:call-template name="tk:in-link"/></xsl:variable>
    <xsl:variable name="id">
      <xsl:if test="ancestor::tei:text"><xsl:call-template name="tk:id"/></xsl:if>
    </xsl:variable>
    <xsl:variable name="tag">
      <xsl:choose>
        <xsl:when test="$entry != '' and $in-link != '1'">a</xsl:when>
        <xsl:otherwise>span</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:element name="{$tag}">
      <xsl:if test="$tag = 'a'"><xsl:attribute name="href">#<xsl:value-of select="$entry"/></xsl:attribute></xsl:if>
      <xsl:call-template name="tk:attributes">
        <xsl:with-param name="id" select="$id"/>
        <xsl:with-param name="class" select="concat('tk-entity tk-', $type)"/>
      </xsl:call-template>
      <xsl:attribute name="data-type"><xsl:value-of select="$type"/></xsl:attribute>
      <xsl:if test="@ref"><xsl:attribute name="data-ref"><xsl:value-of select="normalize-space(@ref)"/></xsl:attribute></xsl:if>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <!-- A date: a time element carrying its normalised value (a span when HTML cannot hold the value). -->
  <xsl:template match="tei:date">
    <xsl:variable name="html-date">
      <xsl:call-template name="tk:is-html-date"><xsl:with-param name="value" select="@when"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="id">
      <xsl:if test="ancestor::tei:text"><xsl:call-template name="tk:id"/></xsl:if>
    </xsl:variable>
    <xsl:element name="{substring('timespan', 1 + 4 * ($html-date != '1'), 4)}">
      <xsl:if test="$html-date = '1'"><xsl:attribute name="datetime"><xsl:value-of select="@when"/></xsl:attribute></xsl:if>
      <xsl:call-template name="tk:attributes">
        <xsl:with-param name="id" select="$id"/>
        <xsl:with-param name="class" select="'tk-entity tk-date'"/>
      </xsl:call-template>
      <xsl:attribute name="data-type">date</xsl:attribute>
      <xsl:for-each select="@when | @from | @to | @notBefore | @notAfter">
        <xsl:attribute name="data-{translate(local-name(), 'BA', 'ba')}">
          <xsl:value-of select="."/>
        </xsl:attribute>
      </xsl:for-each>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <!-- ================================================================ the index of names -->

  <xsl:template name="tk:register-section">
    <xsl:if test="$tk:persons | $tk:orgs | $tk:places | $tk:works | $tk:events">
      <section class="tk-register" id="tk-register" aria-labelledby="tk-register-heading">
        <xsl:text>&#10;</xsl:text>
        <h2 id="tk-register-heading"><xsl:value-of select="$tk:word.register"/></h2>
        <xsl:text>&#10;</xsl:text>
        <xsl:call-template name="tk:register-part">
          <xsl:with-param name="kind" select="'person'"/>
          <xsl:with-param name="title" select="$tk:word.persons"/>
          <xsl:with-param name="entries" select="$tk:persons"/>
        </xsl:call-template>
        <xsl:call-template name="tk:register-part">
          <xsl:with-param name="kind" select="'org'"/>
          <xsl:with-param name="title" select="$tk:word.orgs"/>
          <xsl:with-param name="entries" select="$tk:orgs"/>
        </xsl:call-template>
        <xsl:call-template name="tk:register-part">
          <xsl:with-param name="kind" select="'place'"/>
          <xsl:with-param name="title" select="$tk:word.places"/>
          <xsl:with-param name="entries" select="$tk:places"/>
        </xsl:call-template>
        <xsl:call-template name="tk:works-and-events"/>
      </section>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template name="tk:register-part">
    <xsl:param name="kind"/>
    <xsl:param name="title"/>
    <xsl:param name="entries"/>
    <xsl:if test="$entries">
      <section class="tk-register-part" aria-labelledby="tk-register-{$kind}">
        <h3 id="tk-register-{$kind}"><xsl:value-of select="$title"/></h3>
        <xsl:text>&#10;</xsl:text>
        <ul class="tk-entries">
          <xsl:text>&#10;</xsl:text>
          <!-- Alphabetical by sort key (surname, else last word of a person's name, else the name). -->
          <xsl:variable name="keys">
            <xsl:for-each select="$entries">
              <tk:key id="{@xml:id}"><xsl:call-template name="tk:register-sort-key"/></tk:key>
            </xsl:for-each>
          </xsl:variable>
          <xsl:for-each select="exsl:node-set($keys)/tk:key">
            <xsl:sort select="."/>
            <xsl:apply-templates select="$entries[@xml:id = current()/@id][1]" mode="tk:register-entry">
              <xsl:with-param name="kind" select="$kind"/>
            </xsl:apply-templates>
            <xsl:text>&#10;</xsl:text>
          </xsl:for-each>
        </ul>
        <xsl:text>&#10;</xsl:text>
      </section>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- How an entry sorts: its surname; else, for a person, the last word of the name; else the name (lower case). -->
  <xsl:template name="tk:register-sort-key">
    <xsl:variable name="names" select="tei:persName | tei:orgName | tei:placeName | tei:geogName | tei:name
                                       | self::tei:bibl/tei:title | self::tei:event/tei:label"/>
    <xsl:variable name="name" select="($names[@type = 'preferred'] | $names[1][not(../*[@type = 'preferred'])])[1]"/>
    <xsl:variable name="words"><xsl:apply-templates select="$name" mode="tk:plain"/></xsl:variable>
    <xsl:variable name="key">
      <xsl:choose>
        <xsl:when test="$name/tei:surname"><xsl:value-of select="concat($name/tei:surname, ' ', normalize-space($words))"/></xsl:when>
        <xsl:when test="self::tei:person">
          <xsl:call-template name="tk:last-word"><xsl:with-param name="words" select="normalize-space($words)"/></xsl:call-template>
          <xsl:value-of select="concat(' ', normalize-space($words))"/>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="normalize-space($words)"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:value-of select="translate($key, $tk:upper, $tk:lower)"/>
  </xsl:template>

  <xsl:template name="tk:last-word">
    <xsl:param name="words"/>
    <xsl:choose>
      <xsl:when test="contains($words, ' ')">
        <xsl:call-template name="tk:last-word"><xsl:with-param name="words" select="substring-after($words, ' ')"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$words"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- mode tk:register-entry: one entry with its names, life dates, description, authority links and mentions. -->
  <xsl:template match="*" mode="tk:register-entry">
    <xsl:param name="kind"/>
    <xsl:variable name="names" select="tei:persName | tei:orgName | tei:placeName | tei:geogName | tei:name"/>
    <xsl:variable name="preferred"><xsl:call-template name="tk:preferred-name"/></xsl:variable>
    <li id="{@xml:id}" class="tk-entry tk-{$kind}">
      <p class="tk-entry-head">
        <strong class="tk-entry-name"><xsl:value-of select="normalize-space($preferred)"/></strong>
        <xsl:call-template name="tk:life-dates"/>
        <xsl:if test="@type and not(self::tei:person)">
          <span class="tk-entry-type"><xsl:value-of select="concat(' (', @type, ')')"/></span>
        </xsl:if>
      </p>
      <xsl:variable name="others" select="$names[not(@type = 'preferred')][position() > 1 or ../*[@type = 'preferred']]"/>
      <xsl:if test="$others">
        <p class="tk-variants">
          <xsl:value-of select="concat($tk:word.also, ': ')"/>
          <xsl:for-each select="$others">
            <xsl:if test="position() > 1"><xsl:text>; </xsl:text></xsl:if>
            <xsl:variable name="other"><xsl:apply-templates select="." mode="tk:plain"/></xsl:variable>
            <xsl:value-of select="normalize-space($other)"/>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:for-each select="tei:note | tei:desc | tei:occupation | tei:roleName[not(parent::tei:persName)]">
        <div class="tk-entry-note">
          <xsl:apply-templates/>
        </div>
      </xsl:for-each>
      <xsl:call-template name="tk:authority-links"/>
      <xsl:call-template name="tk:mentions"/>
      <xsl:call-template name="tk:speeches"/>
    </li>
  </xsl:template>

  <xsl:template name="tk:life-dates">
    <xsl:variable name="birth" select="(tei:birth/@when | tei:birth/tei:date/@when | tei:birth/@notBefore)[1]"/>
    <xsl:variable name="death" select="(tei:death/@when | tei:death/tei:date/@when | tei:death/@notAfter)[1]"/>
    <xsl:variable name="birth-text" select="normalize-space(tei:birth)"/>
    <xsl:variable name="death-text" select="normalize-space(tei:death)"/>
    <xsl:if test="$birth or $death or $birth-text != '' or $death-text != ''">
      <span class="tk-life">
        <xsl:text> (</xsl:text>
        <xsl:choose>
          <xsl:when test="$birth"><xsl:value-of select="$birth"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$birth-text"/></xsl:otherwise>
        </xsl:choose>
        <xsl:text> – </xsl:text>
        <xsl:choose>
          <xsl:when test="$death"><xsl:value-of select="$death"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$death-text"/></xsl:otherwise>
        </xsl:choose>
        <xsl:text>)</xsl:text>
      </span>
    </xsl:if>
  </xsl:template>

  <!-- Authority files (idno with a known type or a URL) and a @sameAs or @ref URL on the entry. -->
  <xsl:template name="tk:authority-links">
    <xsl:variable name="links">
      <xsl:for-each select="@sameAs | @ref">
        <xsl:variable name="url" select="substring-before(concat(normalize-space(.), ' '), ' ')"/>
        <xsl:if test="starts-with($url, 'http://') or starts-with($url, 'https://')">
          <xsl:variable name="known" select="$tk:authorities[@prefix != '']
              [contains($url, substring-before(substring-after(@prefix, '//'), '/'))]"/>
          <a href="{$url}" rel="external">
            <xsl:choose>
              <xsl:when test="$known"><xsl:value-of select="$known[1]/@label"/></xsl:when>
              <xsl:otherwise>URI</xsl:otherwise>
            </xsl:choose>
          </a>
          <xsl:text> </xsl:text>
        </xsl:if>
      </xsl:for-each>
      <xsl:for-each select="tei:idno">
        <xsl:variable name="url"><xsl:call-template name="tk:authority-url"/></xsl:variable>
        <xsl:if test="$url != ''">
          <a href="{$url}" rel="external"><xsl:call-template name="tk:authority-label"/></a>
          <xsl:text> </xsl:text>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:variable name="plain-ids" select="tei:idno[not(starts-with(normalize-space(.), 'http'))]
        [not(translate(@type, $tk:upper, $tk:lower) = $tk:authorities/@type)]"/>
    <xsl:if test="string($links) != '' or $plain-ids">
      <p class="tk-authorities">
        <xsl:copy-of select="$links"/>
        <xsl:for-each select="$plain-ids">
          <span class="tei-idno"><xsl:value-of select="concat(@type, substring(': ', 1 div boolean(@type)), normalize-space(.))"/></span>
          <xsl:text> </xsl:text>
        </xsl:for-each>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- Every mention of the entry in the text, in order: its words, linked, and where it is. -->
  <xsl:template name="tk:mentions">
    <xsl:variable name="mentions" select="key('tk:mentions', @xml:id)"/>
    <p class="tk-mentions">
      <span class="tk-mentions-label"><xsl:value-of select="concat($tk:word.occurrences, ': ')"/></span>
      <xsl:choose>
        <xsl:when test="$mentions">
          <xsl:for-each select="$mentions">
            <xsl:if test="position() > 1"><xsl:text>; </xsl:text></xsl:if>
            <xsl:variable name="id"><xsl:call-template name="tk:id"/></xsl:variable>
            <xsl:variable name="words"><xsl:apply-templates mode="tk:plain"/></xsl:variable>
            <a href="#{$id}"><xsl:value-of select="normalize-space($words)"/></a>
            <xsl:call-template name="tk:where"/>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="$tk:word.no-occurrences"/></xsl:otherwise>
      </xsl:choose>
    </p>
  </xsl:template>

  <!-- In drama: how many speeches the entry has (sp/@who), with a link to the first. -->
  <xsl:template name="tk:speeches">
    <xsl:variable name="speeches" select="key('tk:speeches', @xml:id)"/>
    <xsl:if test="$speeches">
      <p class="tk-speeches">
        <span class="tk-mentions-label"><xsl:value-of select="concat($tk:word.speeches, ': ')"/></span>
        <xsl:value-of select="count($speeches)"/>
        <xsl:for-each select="$speeches[@xml:id][1]">
          <xsl:value-of select="concat(', ', $tk:word.first, ' ')"/>
          <xsl:variable name="head"><xsl:apply-templates select="ancestor::*[tei:head][1]/tei:head[1]" mode="tk:plain"/></xsl:variable>
          <a href="#{@xml:id}">
            <xsl:value-of select="normalize-space($head)"/>
            <xsl:if test="normalize-space($head) = ''"><xsl:value-of select="@xml:id"/></xsl:if>
          </a>
        </xsl:for-each>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- Where something stands: the note it is in, else the head of its nearest headed division. -->
  <xsl:template name="tk:where">
    <xsl:variable name="note" select="ancestor::tei:note[1]"/>
    <xsl:variable name="division" select="ancestor::*[tei:head][self::tei:div or self::tei:div1 or self::tei:div2
        or self::tei:div3 or self::tei:div4 or self::tei:div5 or self::tei:div6 or self::tei:div7][1]"/>
    <xsl:variable name="label" select="normalize-space($note/tei:label[1])"/>
    <xsl:choose>
      <xsl:when test="$note[@place = 'inline'] and $label != ''">
        <!-- An inline note with a label of its own ("Editor's note:") is named by it. -->
        <span class="tk-where">
          <xsl:value-of select="concat(' (', substring($label, 1, string-length($label)
              - number(substring($label, string-length($label)) = ':')), ')')"/>
        </span>
      </xsl:when>
      <xsl:when test="$note">
        <span class="tk-where">
          <xsl:value-of select="concat(' (', $tk:word.note, ' ')"/>
          <xsl:for-each select="$note"><xsl:call-template name="tk:note-number"/></xsl:for-each>
          <xsl:text>)</xsl:text>
        </span>
      </xsl:when>
      <xsl:when test="$division">
        <xsl:variable name="head"><xsl:apply-templates select="$division/tei:head[1]" mode="tk:plain"/></xsl:variable>
        <span class="tk-where"><xsl:value-of select="concat(' (', normalize-space($head), ')')"/></span>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================ dates in order -->

  <xsl:template name="tk:dates-section">
    <xsl:if test="$tk:dated">
      <section class="tk-dates" id="tk-dates" aria-labelledby="tk-dates-heading">
        <xsl:text>&#10;</xsl:text>
        <h2 id="tk-dates-heading"><xsl:value-of select="$tk:word.dates"/></h2>
        <xsl:text>&#10;</xsl:text>
        <ol class="tk-date-list">
          <xsl:text>&#10;</xsl:text>
          <xsl:for-each select="$tk:dated">
            <xsl:sort select="concat(@when, substring(@from, 1 div not(@when)),
                substring(@notBefore, 1 div not(@when or @from)),
                substring(@to, 1 div not(@when or @from or @notBefore)),
                substring(@notAfter, 1 div not(@when or @from or @notBefore or @to)))"/>
            <xsl:variable name="id"><xsl:call-template name="tk:id"/></xsl:variable>
            <xsl:variable name="key"><xsl:call-template name="tk:date-key"/></xsl:variable>
            <xsl:variable name="words"><xsl:apply-templates mode="tk:plain"/></xsl:variable>
            <li data-key="{$key}">
              <span class="tk-date-value"><xsl:call-template name="tk:date-label"/></span>
              <xsl:text> </xsl:text>
              <a href="#{$id}"><xsl:value-of select="normalize-space($words)"/></a>
              <xsl:call-template name="tk:where"/>
            </li>
            <xsl:text>&#10;</xsl:text>
          </xsl:for-each>
        </ol>
        <xsl:text>&#10;</xsl:text>
      </section>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================ about this edition -->

  <xsl:template name="tk:about-section">
    <xsl:variable name="header" select="/*/tei:teiHeader"/>
    <section class="tk-about" id="tk-about" aria-labelledby="tk-about-heading">
      <xsl:text>&#10;</xsl:text>
      <h2 id="tk-about-heading"><xsl:value-of select="$tk:word.about"/></h2>
      <xsl:text>&#10;</xsl:text>
      <dl class="tk-facts">
        <xsl:text>&#10;</xsl:text>
        <xsl:call-template name="tk:fact">
          <xsl:with-param name="label" select="$tk:word.edition"/>
          <xsl:with-param name="nodes" select="$header/tei:fileDesc/tei:editionStmt"/>
        </xsl:call-template>
        <xsl:call-template name="tk:fact">
          <xsl:with-param name="label" select="$tk:word.identifier"/>
          <xsl:with-param name="nodes" select="$header/tei:fileDesc/tei:publicationStmt/tei:idno"/>
        </xsl:call-template>
        <xsl:call-template name="tk:fact">
          <xsl:with-param name="label" select="$tk:word.availability"/>
          <xsl:with-param name="nodes" select="$header/tei:fileDesc/tei:publicationStmt/tei:availability"/>
        </xsl:call-template>
        <xsl:call-template name="tk:fact">
          <xsl:with-param name="label" select="$tk:word.creation"/>
          <xsl:with-param name="nodes" select="$header/tei:profileDesc/tei:creation"/>
        </xsl:call-template>
        <xsl:call-template name="tk:fact">
          <xsl:with-param name="label" select="$tk:word.languages"/>
          <xsl:with-param name="nodes" select="$header/tei:profileDesc/tei:langUsage/tei:language"/>
        </xsl:call-template>
        <xsl:call-template name="tk:fact">
          <xsl:with-param name="label" select="$tk:word.keywords"/>
          <xsl:with-param name="nodes" select="$header/tei:profileDesc/tei:textClass/tei:keywords/tei:term"/>
        </xsl:call-template>
      </dl>
      <xsl:text>&#10;</xsl:text>
      <xsl:variable name="declarations" select="$header/tei:encodingDesc/tei:projectDesc | $header/tei:encodingDesc/tei:samplingDecl
                                                | $header/tei:encodingDesc/tei:editorialDecl/*"/>
      <xsl:if test="$declarations">
        <section class="tk-declarations" aria-labelledby="tk-declarations-heading">
          <h3 id="tk-declarations-heading"><xsl:value-of select="$tk:word.declarations"/></h3>
          <xsl:text>&#10;</xsl:text>
          <dl>
            <xsl:for-each select="$declarations">
              <dt><xsl:call-template name="tk:declaration-name"/></dt>
              <dd><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></dd>
              <xsl:text>&#10;</xsl:text>
            </xsl:for-each>
          </dl>
        </section>
        <xsl:text>&#10;</xsl:text>
      </xsl:if>
      <xsl:if test="$header/tei:revisionDesc">
        <section class="tk-revisions" aria-labelledby="tk-revisions-heading">
          <h3 id="tk-revisions-heading"><xsl:value-of select="$tk:word.revisions"/></h3>
          <ul>
            <xsl:for-each select="$header/tei:revisionDesc//tei:change">
              <li>
                <xsl:if test="@when"><time datetime="{@when}"><xsl:value-of select="@when"/></time><xsl:text>: </xsl:text></xsl:if>
                <xsl:apply-templates/>
              </li>
            </xsl:for-each>
          </ul>
        </section>
        <xsl:text>&#10;</xsl:text>
      </xsl:if>
    </section>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="tk:fact">
    <xsl:param name="label"/>
    <xsl:param name="nodes"/>
    <xsl:if test="$nodes">
      <dt><xsl:value-of select="$label"/></dt>
      <xsl:for-each select="$nodes">
        <dd><xsl:apply-templates/></dd>
      </xsl:for-each>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- editorialDecl/correction → "Correction"; a plain p → the first words of the element's kind. -->
  <xsl:template name="tk:declaration-name">
    <xsl:variable name="name">
      <xsl:choose>
        <xsl:when test="self::tei:p">editorial practice</xsl:when>
        <xsl:when test="self::tei:projectDesc">project</xsl:when>
        <xsl:when test="self::tei:samplingDecl">sampling</xsl:when>
        <xsl:when test="self::tei:normalization">normalisation</xsl:when>
        <xsl:when test="self::tei:stdVals">standard values</xsl:when>
        <xsl:otherwise><xsl:value-of select="local-name()"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:value-of select="concat(translate(substring($name, 1, 1), $tk:lower, $tk:upper), substring($name, 2))"/>
  </xsl:template>

</xsl:stylesheet>
