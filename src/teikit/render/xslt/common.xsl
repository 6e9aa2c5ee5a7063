<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: what the HTML and the text renderers share (XSLT 1.0, run by lxml/libxslt).

  Keys over the document, the words the pages use (override a variable in your own
  stylesheet to translate them), and named templates every output needs: which TEI
  elements hold blocks, ids for things that have none, entity types and register
  names, note numbers, date sort keys, authority links, and the `tk:plain` mode that
  turns any TEI fragment into its reading string (corrections, expansions and
  regularisations chosen; notes left out).

  Named templates and modes of teikit live in the namespace urn:teikit (prefix tk)
  so that they never clash with yours.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:exsl="http://exslt.org/common"
    exclude-result-prefixes="tei tk exsl">

  <!-- ================================================================ parameters and words -->

  <!-- 'no' leaves notes and their markers out (the text renderer's no-notes option). -->
  <xsl:param name="notes" select="'yes'"/>
  <!-- The program that made the page, for the generator meta and the footer. -->
  <xsl:param name="generator" select="'teikit'"/>

  <xsl:variable name="tk:word.contents" select="'Contents'"/>
  <xsl:variable name="tk:word.about" select="'About this edition'"/>
  <xsl:variable name="tk:word.notes" select="'Notes'"/>
  <xsl:variable name="tk:word.register" select="'Index of names'"/>
  <xsl:variable name="tk:word.persons" select="'Persons'"/>
  <xsl:variable name="tk:word.orgs" select="'Organisations'"/>
  <xsl:variable name="tk:word.places" select="'Places'"/>
  <xsl:variable name="tk:word.dates" select="'Dates'"/>
  <xsl:variable name="tk:word.untitled" select="'Untitled'"/>
  <xsl:variable name="tk:word.back-to-text" select="'Back to the text'"/>
  <xsl:variable name="tk:word.also" select="'Also named'"/>
  <xsl:variable name="tk:word.occurrences" select="'In the text'"/>
  <xsl:variable name="tk:word.no-occurrences" select="'none tagged'"/>
  <xsl:variable name="tk:word.speeches" select="'Speeches'"/>
  <xsl:variable name="tk:word.first" select="'first'"/>
  <xsl:variable name="tk:word.page" select="'p.'"/>
  <xsl:variable name="tk:word.note" select="'note'"/>
  <xsl:variable name="tk:word.before" select="'before'"/>
  <xsl:variable name="tk:word.after" select="'after'"/>

  <xsl:variable name="tk:tei-ns" select="'http://www.tei-c.org/ns/1.0'"/>
  <xsl:variable name="tk:upper" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"/>
  <xsl:variable name="tk:lower" select="'abcdefghijklmnopqrstuvwxyz'"/>

  <!-- ================================================================ keys -->

  <xsl:key name="tk:id" match="*[@xml:id]" use="@xml:id"/>
  <!-- Pointers by their first target: which refs point at a note, so the note can link back. -->
  <xsl:key name="tk:pointers" match="tei:ref[@target] | tei:ptr[@target]"
           use="substring-before(concat(normalize-space(@target), ' '), ' ')"/>
  <!-- Mentions of register entries in the text, by the entry's id (the first pointer of @ref). -->
  <!-- (libxslt indexes a key by evaluating //PATTERN: 'tei:text//*[…]' would be quadratic, so the text is a predicate.) -->
  <xsl:key name="tk:mentions"
           match="*[@ref][self::tei:persName or self::tei:orgName or self::tei:placeName
                  or self::tei:geogName or self::tei:name or self::tei:rs or self::tei:title][ancestor::tei:text]"
           use="substring-after(substring-before(concat(normalize-space(@ref), ' '), ' '), '#')"/>

  <!-- Speeches by their speaker's register id (the first pointer of sp/@who). -->
  <xsl:key name="tk:speeches" match="tei:sp[@who]"
           use="substring-after(substring-before(concat(normalize-space(@who), ' '), ' '), '#')"/>

  <!-- ================================================================ where blocks may go -->

  <!--
    Elements whose HTML rendering may hold blocks (div, section, li, td, blockquote …).
    A block-like TEI element (list, table, lg, quote …) is rendered as an HTML block only
    when every ancestor is one of these; inside phrasing (a p, a hi, a head) it becomes a
    span styled as a block, so that any TEI, however nested, gives valid HTML.
  -->
  <xsl:variable name="tk:containers"
      select="concat(' TEI teiCorpus text group front body back div div1 div2 div3 div4 div5 div6 div7',
                     ' lg sp spGrp list item table row cell figure quote floatingText epigraph argument',
                     ' opener closer titlePage docTitle castList castGroup castItem listBibl note postscript',
                     ' listPerson listOrg listPlace listEvent person personGrp org place event standOff',
                     ' teiHeader fileDesc sourceDesc encodingDesc editorialDecl correction normalization quotation',
                     ' hyphenation segmentation interpretation stdVals punctuation projectDesc samplingDecl',
                     ' publicationStmt availability profileDesc revisionDesc listChange msDesc ')"/>
  <!-- Parents under which a note stands between blocks (shown where it is, not as a footnote). -->
  <xsl:variable name="tk:note-block-parents"
      select="' text group front body back div div1 div2 div3 div4 div5 div6 div7 sp spGrp floatingText castList listBibl '"/>
  <!-- Children that turn a p (or ab) into a block container (a div rather than a p). -->
  <xsl:variable name="tk:blocks-in-p"
      select="' list table lg figure sp castList listBibl floatingText div p ab eg '"/>

  <!--
    '1' when the context element is rendered where HTML blocks are allowed, else ''. It runs for every
    element, so the containers met most (text, body, div, sp, lg, list, item, note …) are name tests first,
    which cost a fraction of the search in $tk:containers that decides for the others.
  -->
  <xsl:template name="tk:in-flow">
    <xsl:if test="not(ancestor::*[not(self::tei:div or self::tei:sp or self::tei:body or self::tei:text
                        or self::tei:TEI or self::tei:lg or self::tei:front or self::tei:back or self::tei:teiCorpus
                        or self::tei:item or self::tei:list or self::tei:note or self::tei:castList
                        or self::tei:castGroup or self::tei:castItem or self::tei:group or self::tei:div1
                        or self::tei:div2 or self::tei:div3 or self::tei:spGrp or self::tei:figure
                        or (namespace-uri() = $tk:tei-ns
                        and (contains($tk:containers, concat(' ', local-name(), ' '))
                             or ((self::tei:p or self::tei:ab) and *[namespace-uri() = $tk:tei-ns
                                 and contains($tk:blocks-in-p, concat(' ', local-name(), ' '))])
                             or (self::tei:quote and (tei:p or tei:lg or tei:l))))
                      )])">1</xsl:if>
  </xsl:template>

  <!--
    '1' when the context element stands between blocks: its parent is a structural container
    holding no words of its own (so in plain text it starts a block rather than continuing a line).
  -->
  <xsl:template name="tk:between-blocks">
    <xsl:if test="not(parent::*) or (namespace-uri(..) = $tk:tei-ns
                  and contains($tk:structural, concat(' ', local-name(..), ' '))
                  and not(../text()[normalize-space()]))">1</xsl:if>
  </xsl:template>
  <!-- Containers that hold only blocks (not list items, cells, notes or quotations, which hold words too). -->
  <xsl:variable name="tk:structural"
      select="concat(' TEI teiCorpus text group front body back div div1 div2 div3 div4 div5 div6 div7',
                     ' lg sp spGrp list table row figure floatingText epigraph argument opener closer titlePage',
                     ' docTitle castList castGroup listBibl postscript listPerson listOrg listPlace listEvent',
                     ' standOff letter ')"/>

  <!-- ================================================================ ids -->

  <!--
    The HTML id of an element: its xml:id, or a generated one. Generated ids count
    elements of the same kind through the whole document, so they are stable from one run
    to the next (libxslt's generate-id() is not) and unique even in a teiCorpus. The
    counts come from $tk:serials, made once per run: xsl:number level="any" walks the
    whole document before the node each time, which made a page quadratic in its size.
  -->
  <xsl:template name="tk:id">
    <xsl:param name="node" select="."/>
    <xsl:for-each select="$node">
      <xsl:variable name="serial">
        <xsl:call-template name="tk:serial"/>
      </xsl:variable>
      <xsl:choose>
        <xsl:when test="@xml:id"><xsl:value-of select="@xml:id"/></xsl:when>
        <xsl:when test="$serial != ''">
          <xsl:call-template name="tk:serial-prefix"/>
          <xsl:value-of select="$serial"/>
        </xsl:when>
        <xsl:otherwise>
          <!-- Rare (no teikit template asks for it): count every element before this one. -->
          <xsl:text>tk-</xsl:text><xsl:value-of select="local-name()"/><xsl:text>-</xsl:text>
          <xsl:number level="any" count="*"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

  <!-- The prefix of a generated id, by the kind of element (the kinds $tk:serials numbers). -->
  <xsl:template name="tk:serial-prefix">
    <xsl:choose>
      <xsl:when test="self::tei:note">tk-note-</xsl:when>
      <xsl:when test="self::tei:ref or self::tei:ptr">tk-ref-</xsl:when>
      <xsl:when test="self::tei:date">tk-date-</xsl:when>
      <xsl:when test="self::tei:div">tk-div-</xsl:when>
      <xsl:when test="self::tei:div1 or self::tei:div2 or self::tei:div3 or self::tei:div4 or self::tei:div5
                      or self::tei:div6 or self::tei:div7">tk-div-n</xsl:when>
      <xsl:otherwise>tk-name-</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    Serial numbers, one tk:s per numbered element (by generate-id, valid for this run): n, its
    position in document order among the elements of its kind; for notes also t, its position
    among the notes of its text (or, outside any text, of its TEI). Each kind is one pass over
    the document, so the table costs what reading the document costs.
  -->
  <xsl:variable name="tk:serials">
    <xsl:for-each select="//tei:note">
      <tk:s g="{generate-id()}" n="{position()}"/>
    </xsl:for-each>
    <xsl:for-each select="//*[self::tei:ref or self::tei:ptr]"><tk:s g="{generate-id()}" n="{position()}"/></xsl:for-each>
    <xsl:for-each select="//tei:date"><tk:s g="{generate-id()}" n="{position()}"/></xsl:for-each>
    <xsl:for-each select="//*[self::tei:persName or self::tei:orgName or self::tei:placeName or self::tei:geogName
                              or self::tei:name or self::tei:rs]"><tk:s g="{generate-id()}" n="{position()}"/></xsl:for-each>
    <xsl:for-each select="//tei:div"><tk:s g="{generate-id()}" n="{position()}"/></xsl:for-each>
    <xsl:for-each select="//*[self::tei:div1 or self::tei:div2 or self::tei:div3 or self::tei:div4 or self::tei:div5
                              or self::tei:div6 or self::tei:div7]"><tk:s g="{generate-id()}" n="{position()}"/></xsl:for-each>
    <!-- Apparatus entries of the running text (apparatus-core.xsl numbers them from here when teikit has not). -->
    <xsl:for-each select="/descendant::tei:app[not(ancestor::tei:app) and not(ancestor::tei:teiHeader)
                                              and not(ancestor::tei:listApp)]">
      <tk:s g="{generate-id()}" n="{position()}"/>
    </xsl:for-each>
  </xsl:variable>
  <!-- Notes numbered within their text: one pass per text (or TEI) over the notes whose nearest such scope it is. -->
  <xsl:variable name="tk:note-serials">
    <xsl:for-each select="//*[self::tei:text or self::tei:TEI]">
      <xsl:variable name="scope" select="generate-id()"/>
      <xsl:for-each select="descendant::tei:note[generate-id(ancestor::*[self::tei:text or self::tei:TEI][1]) = $scope]">
        <tk:s g="{generate-id()}" n="{position()}"/>
      </xsl:for-each>
    </xsl:for-each>
    <xsl:for-each select="/descendant::tei:note[not(ancestor::tei:text or ancestor::tei:TEI)]">
      <tk:s g="{generate-id()}" n="{position()}"/>
    </xsl:for-each>
  </xsl:variable>
  <xsl:key name="tk:serial" match="tk:s" use="@g"/>

  <!-- The context element's serial among its kind ('' when $tk:serials does not number its kind). -->
  <xsl:template name="tk:serial">
    <xsl:param name="table" select="$tk:serials"/>
    <xsl:variable name="g" select="generate-id()"/>
    <xsl:for-each select="exsl:node-set($table)">
      <xsl:value-of select="key('tk:serial', $g)/@n"/>
    </xsl:for-each>
  </xsl:template>

  <!-- The id a pointer attribute names, without '#', if it points inside this document. -->
  <xsl:template name="tk:local-target">
    <xsl:param name="pointer"/>
    <xsl:variable name="first" select="substring-before(concat(normalize-space($pointer), ' '), ' ')"/>
    <xsl:if test="starts-with($first, '#')"><xsl:value-of select="substring($first, 2)"/></xsl:if>
  </xsl:template>

  <!-- ================================================================ entities -->

  <!-- person | org | place | date | name: what kind of thing a name or date in the text names. -->
  <xsl:template name="tk:entity-type">
    <xsl:variable name="entry" select="key('tk:id', substring-after(substring-before(concat(normalize-space(@ref), ' '), ' '), '#'))"/>
    <xsl:variable name="type" select="translate(@type, $tk:upper, $tk:lower)"/>
    <xsl:choose>
      <xsl:when test="self::tei:persName">person</xsl:when>
      <xsl:when test="self::tei:orgName">org</xsl:when>
      <xsl:when test="self::tei:placeName or self::tei:geogName">place</xsl:when>
      <xsl:when test="self::tei:date">date</xsl:when>
      <xsl:when test="$entry[self::tei:person or self::tei:personGrp]">person</xsl:when>
      <xsl:when test="$entry[self::tei:org]">org</xsl:when>
      <xsl:when test="$entry[self::tei:place]">place</xsl:when>
      <xsl:when test="$type = 'person' or $type = 'persname'">person</xsl:when>
      <xsl:when test="$type = 'org' or $type = 'organisation' or $type = 'organization'">org</xsl:when>
      <xsl:when test="$type = 'place' or $type = 'placename'">place</xsl:when>
      <xsl:otherwise>name</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The register entry a name in the text points to (empty when there is none in this file). -->
  <xsl:template name="tk:entry-id">
    <xsl:variable name="id" select="substring-after(substring-before(concat(normalize-space(@ref), ' '), ' '), '#')"/>
    <xsl:if test="$id != '' and key('tk:id', $id)[self::tei:person or self::tei:personGrp or self::tei:org
                  or self::tei:place]">
      <xsl:value-of select="$id"/>
    </xsl:if>
  </xsl:template>

  <!-- The name children of a register entry (persName, orgName, placeName, name …). -->
  <xsl:template name="tk:preferred-name">
    <xsl:param name="entry" select="."/>
    <xsl:variable name="names" select="$entry/*[self::tei:persName or self::tei:orgName or self::tei:placeName
                                       or self::tei:geogName or self::tei:name]"/>
    <xsl:choose>
      <xsl:when test="$names[@type = 'preferred']">
        <xsl:apply-templates select="$names[@type = 'preferred'][1]" mode="tk:plain"/>
      </xsl:when>
      <xsl:when test="$names">
        <xsl:apply-templates select="$names[1]" mode="tk:plain"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$entry/@xml:id"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================ dates -->

  <!-- The normalised value to sort a date by: @when, else @from, @notBefore, @to, @notAfter. -->
  <xsl:template name="tk:date-key">
    <xsl:value-of select="concat(@when,
        substring(@from, 1 div not(@when)),
        substring(@notBefore, 1 div not(@when or @from)),
        substring(@to, 1 div not(@when or @from or @notBefore)),
        substring(@notAfter, 1 div not(@when or @from or @notBefore or @to)))"/>
  </xsl:template>

  <!-- A date's normalised value as a person reads it: 1923-04, 1923-04 – 1923-05, before 1924. -->
  <xsl:template name="tk:date-label">
    <xsl:choose>
      <xsl:when test="@when"><xsl:value-of select="@when"/></xsl:when>
      <xsl:when test="@from or @to">
        <xsl:value-of select="@from"/><xsl:text> – </xsl:text><xsl:value-of select="@to"/>
      </xsl:when>
      <xsl:when test="@notBefore and @notAfter">
        <xsl:value-of select="@notBefore"/><xsl:text> – </xsl:text><xsl:value-of select="@notAfter"/>
      </xsl:when>
      <xsl:when test="@notBefore">
        <xsl:value-of select="concat($tk:word.after, ' ', @notBefore)"/>
      </xsl:when>
      <xsl:when test="@notAfter">
        <xsl:value-of select="concat($tk:word.before, ' ', @notAfter)"/>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- '1' when a string is an ISO year, month or day HTML's time element accepts (YYYY, YYYY-MM, YYYY-MM-DD). -->
  <xsl:template name="tk:is-html-date">
    <xsl:param name="value"/>
    <xsl:variable name="shape" select="translate($value, '0123456789', '9999999999')"/>
    <xsl:if test="($shape = '9999' and $value != '0000') or $shape = '9999-99' or $shape = '9999-99-99'">1</xsl:if>
  </xsl:template>

  <!-- ================================================================ notes -->

  <!-- '1' when a note is referenced by a ref or ptr (placed apart from its anchor, as teikit's footnotes). -->
  <xsl:template name="tk:note-is-referenced">
    <xsl:if test="@xml:id and key('tk:pointers', concat('#', @xml:id))">1</xsl:if>
  </xsl:template>

  <!--
    Where a note is shown:
      referenced  a ref or ptr points at it (notes collected apart, as teikit's footnotes): where it stands;
      in-place    an inline note, a note in the header or register, or one standing between blocks;
      collected   any other note (a footnote written at its point of attachment): a marker where it
                  stands, the note itself in the list of notes after the text.
  -->
  <xsl:template name="tk:note-placement">
    <xsl:choose>
      <xsl:when test="@xml:id and key('tk:pointers', concat('#', @xml:id))">referenced</xsl:when>
      <xsl:when test="@place = 'inline' or @place = 'interlinear' or not(ancestor::tei:text)
                      or (namespace-uri(..) = $tk:tei-ns
                          and contains($tk:note-block-parents, concat(' ', local-name(..), ' ')))">in-place</xsl:when>
      <xsl:otherwise>collected</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The notes shown in the list after the text, in document order (the same test as tk:note-placement). -->
  <xsl:variable name="tk:collected-notes"
      select="//tei:text/descendant::tei:note[not(@xml:id and key('tk:pointers', concat('#', @xml:id)))]
              [not(@place = 'inline' or @place = 'interlinear')]
              [not(namespace-uri(..) = $tk:tei-ns and contains($tk:note-block-parents, concat(' ', local-name(..), ' ')))]"/>

  <!-- The note a pointer points at, if it points at a note of this document. -->
  <xsl:template name="tk:pointed-note-id">
    <xsl:variable name="id">
      <xsl:call-template name="tk:local-target"><xsl:with-param name="pointer" select="@target"/></xsl:call-template>
    </xsl:variable>
    <xsl:if test="$id != '' and key('tk:id', $id)[self::tei:note]"><xsl:value-of select="$id"/></xsl:if>
  </xsl:template>

  <!-- The number a note is shown with: @n, else its label, else its position among all notes. -->
  <xsl:template name="tk:note-number">
    <xsl:choose>
      <xsl:when test="@n"><xsl:value-of select="@n"/></xsl:when>
      <xsl:when test="tei:label">
        <xsl:value-of select="translate(normalize-space(tei:label[1]), '[]().', '')"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="tk:serial"><xsl:with-param name="table" select="$tk:note-serials"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    '1' when an @n is a label a reader sees printed (12, 3a, iv, b), not a name or words ("Private Lesung"):
    the reading text prints an item's @n only then, never attribute values as words.
  -->
  <xsl:template name="tk:is-label">
    <xsl:param name="n" select="normalize-space(@n)"/>
    <xsl:if test="$n != '' and not(contains($n, ' ')) and string-length($n) &lt;= 8
                  and string-length(translate($n, '0123456789ivxlcdmIVXLCDM.,:;()[]-–/', '')) &lt;= 1">1</xsl:if>
  </xsl:template>

  <!-- A section break's printed sign: @rend when it is one (* * *, ⁂, —), else * * * (rend="stars" is a word). -->
  <xsl:template name="tk:printed-sign">
    <xsl:variable name="rend" select="normalize-space(@rend)"/>
    <xsl:choose>
      <xsl:when test="$rend != '' and translate($rend, concat($tk:upper, $tk:lower), '') = $rend">
        <xsl:value-of select="$rend"/>
      </xsl:when>
      <xsl:otherwise>* * *</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- '1' when a pointer's content is only a note marker ([1], 2, *, †) rather than words. -->
  <xsl:template name="tk:is-marker">
    <xsl:if test="normalize-space(translate(., '0123456789[]()*†‡§¶.,', '')) = ''">1</xsl:if>
  </xsl:template>

  <!-- The comma between a role and its description, unless the text before it ends with one. -->
  <xsl:template name="tk:role-comma">
    <xsl:param name="comma" select="', '"/>
    <xsl:variable name="before" select="normalize-space(preceding-sibling::node()[1])"/>
    <xsl:if test="preceding-sibling::tei:role and substring($before, string-length($before)) != ','">
      <xsl:value-of select="$comma"/>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================ authority links -->

  <!-- Known authority files: an idno of this @type becomes a link (@type compared in lower case). -->
  <tk:authorities>
    <tk:authority type="wikidata" label="Wikidata" prefix="https://www.wikidata.org/wiki/"/>
    <tk:authority type="viaf" label="VIAF" prefix="https://viaf.org/viaf/"/>
    <tk:authority type="gnd" label="GND" prefix="https://d-nb.info/gnd/"/>
    <tk:authority type="geonames" label="GeoNames" prefix="https://www.geonames.org/"/>
    <tk:authority type="orcid" label="ORCID" prefix="https://orcid.org/"/>
    <tk:authority type="isni" label="ISNI" prefix="https://isni.org/isni/"/>
    <tk:authority type="lcnaf" label="Library of Congress" prefix="https://id.loc.gov/authorities/names/"/>
    <tk:authority type="tgn" label="TGN" prefix="http://vocab.getty.edu/page/tgn/"/>
    <tk:authority type="pleiades" label="Pleiades" prefix="https://pleiades.stoa.org/places/"/>
    <tk:authority type="uri" label="" prefix=""/>
    <tk:authority type="url" label="" prefix=""/>
  </tk:authorities>
  <xsl:variable name="tk:authorities" select="document('')/*/tk:authorities/tk:authority"/>

  <!-- The URL an idno stands for, or nothing when its type is unknown and it is no URL. -->
  <xsl:template name="tk:authority-url">
    <xsl:variable name="value" select="normalize-space(.)"/>
    <xsl:variable name="authority" select="$tk:authorities[@type = translate(current()/@type, $tk:upper, $tk:lower)]"/>
    <xsl:choose>
      <xsl:when test="starts-with($value, 'http://') or starts-with($value, 'https://')">
        <xsl:value-of select="$value"/>
      </xsl:when>
      <xsl:when test="$authority and $authority/@prefix != ''">
        <xsl:value-of select="concat($authority/@prefix, $value)"/>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- The name of the authority: from @subtype (idno type="URI" subtype="wikidata"), @type, or the URL's host. -->
  <xsl:template name="tk:authority-label">
    <xsl:variable name="by-subtype"
        select="$tk:authorities[@label != ''][@type = translate(current()/@subtype, $tk:upper, $tk:lower)]"/>
    <xsl:variable name="authority" select="$tk:authorities[@type = translate(current()/@type, $tk:upper, $tk:lower)]"/>
    <xsl:variable name="by-host" select="$tk:authorities[@prefix != '']
        [contains(normalize-space(current()), substring-before(substring-after(@prefix, '//'), '/'))]"/>
    <xsl:choose>
      <xsl:when test="$by-subtype"><xsl:value-of select="$by-subtype[1]/@label"/></xsl:when>
      <xsl:when test="$authority/@label != ''"><xsl:value-of select="$authority/@label"/></xsl:when>
      <xsl:when test="$by-host"><xsl:value-of select="$by-host[1]/@label"/></xsl:when>
      <xsl:when test="@type"><xsl:value-of select="@type"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="normalize-space(.)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================ languages -->

  <!--
    HTML's lang wants BCP 47, whose primary subtag is the two-letter ISO 639-1 code where there
    is one; TEI files often use ISO 639-2 ('eng', 'lat'). These are mapped; an extended-language
    subtag ('el-grc') is dropped; anything else is passed on as written.
  -->
  <tk:languages>
    <tk:l from="eng" to="en"/><tk:l from="lat" to="la"/><tk:l from="ger" to="de"/><tk:l from="deu" to="de"/>
    <tk:l from="fre" to="fr"/><tk:l from="fra" to="fr"/><tk:l from="ita" to="it"/><tk:l from="spa" to="es"/>
    <tk:l from="por" to="pt"/><tk:l from="dut" to="nl"/><tk:l from="nld" to="nl"/><tk:l from="pol" to="pl"/>
    <tk:l from="rus" to="ru"/><tk:l from="ukr" to="uk"/><tk:l from="cze" to="cs"/><tk:l from="ces" to="cs"/>
    <tk:l from="slv" to="sl"/><tk:l from="hrv" to="hr"/><tk:l from="srp" to="sr"/><tk:l from="hun" to="hu"/>
    <tk:l from="gre" to="el"/><tk:l from="ell" to="el"/><tk:l from="swe" to="sv"/><tk:l from="dan" to="da"/>
    <tk:l from="nor" to="no"/><tk:l from="fin" to="fi"/><tk:l from="ice" to="is"/><tk:l from="isl" to="is"/>
    <tk:l from="gle" to="ga"/><tk:l from="wel" to="cy"/><tk:l from="cym" to="cy"/><tk:l from="heb" to="he"/>
    <tk:l from="ara" to="ar"/><tk:l from="chi" to="zh"/><tk:l from="zho" to="zh"/><tk:l from="jpn" to="ja"/>
    <tk:l from="tur" to="tr"/><tk:l from="rum" to="ro"/><tk:l from="ron" to="ro"/><tk:l from="slo" to="sk"/>
    <tk:l from="slk" to="sk"/><tk:l from="bul" to="bg"/><tk:l from="lit" to="lt"/><tk:l from="lav" to="lv"/>
    <tk:l from="est" to="et"/><tk:l from="cat" to="ca"/><tk:l from="eus" to="eu"/><tk:l from="baq" to="eu"/>
  </tk:languages>
  <xsl:variable name="tk:languages" select="document('')/*/tk:languages/tk:l"/>

  <xsl:template name="tk:html-lang">
    <xsl:param name="value" select="@xml:lang"/>
    <xsl:variable name="primary" select="translate(substring-before(concat($value, '-'), '-'), $tk:upper, $tk:lower)"/>
    <xsl:variable name="rest" select="substring-after($value, '-')"/>
    <xsl:variable name="second" select="substring-before(concat($rest, '-'), '-')"/>
    <xsl:variable name="mapped" select="$tk:languages[@from = $primary]/@to"/>
    <xsl:choose>
      <xsl:when test="$mapped"><xsl:value-of select="$mapped"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$primary"/></xsl:otherwise>
    </xsl:choose>
    <xsl:if test="$rest != '' and string-length($second) != 3">
      <xsl:value-of select="concat('-', $rest)"/>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================ titles -->

  <!-- The title of a TEI document: the main title of its titleStmt, else its first title. -->
  <xsl:template name="tk:main-title">
    <xsl:param name="header" select="tei:teiHeader"/>
    <xsl:variable name="titles" select="$header/tei:fileDesc/tei:titleStmt/tei:title"/>
    <xsl:variable name="main" select="($titles[@type = 'main'] | $titles[not(@type)] | $titles)[1]"/>
    <xsl:choose>
      <xsl:when test="normalize-space($titles[@type = 'main'][1]) != ''">
        <xsl:apply-templates select="$titles[@type = 'main'][1]" mode="tk:plain"/>
      </xsl:when>
      <xsl:when test="normalize-space($titles[not(@type)][1]) != ''">
        <xsl:apply-templates select="$titles[not(@type)][1]" mode="tk:plain"/>
      </xsl:when>
      <xsl:when test="normalize-space($main) != ''"><xsl:apply-templates select="$main" mode="tk:plain"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$tk:word.untitled"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================ the plain-string mode -->

  <!--
    mode tk:plain: the reading string of any fragment, for titles, tables of contents, alt
    text, note previews and register names. Corrections, regularisations and expansions are
    chosen over the source readings, notes and page furniture left out.
  -->
  <xsl:template match="*" mode="tk:plain">
    <xsl:apply-templates mode="tk:plain"/>
  </xsl:template>

  <xsl:template match="text()" mode="tk:plain">
    <xsl:value-of select="translate(., '&#xFDD0;&#xFDD1;&#xFDD2;&#xFDD3;', '')"/>
  </xsl:template>

  <xsl:template match="tei:note | tei:fw | tei:figDesc | tei:idno | tei:choice/tei:sic | tei:choice/tei:orig
                       | tei:choice/tei:abbr | tei:choice/tei:corr[position() > 1] | tei:choice/tei:reg[position() > 1]
                       | tei:choice/tei:expan[position() > 1] | tei:choice/tei:seg[position() > 1]
                       | tei:choice/tei:unclear[position() > 1] | tei:app/tei:rdg | tei:app/tei:rdgGrp"
                mode="tk:plain"/>

  <xsl:template match="tei:lb | tei:cb" mode="tk:plain">
    <xsl:if test="not(@break = 'no')"><xsl:text> </xsl:text></xsl:if>
  </xsl:template>
  <xsl:template match="tei:pb" mode="tk:plain"/>

  <!-- Blocks read as separate stretches of words however the XML was laid out. -->
  <xsl:template match="tei:p | tei:ab | tei:item | tei:list | tei:lg | tei:cell | tei:row | tei:head | tei:sp
                       | tei:speaker | tei:table | tei:div | tei:label" mode="tk:plain">
    <xsl:text> </xsl:text><xsl:apply-templates mode="tk:plain"/><xsl:text> </xsl:text>
  </xsl:template>

  <!-- Name parts written without spaces between them still read as separate words. -->
  <xsl:template match="tei:forename | tei:surname | tei:addName | tei:roleName | tei:genName | tei:nameLink
                       | tei:addrLine | tei:titlePart | tei:l" mode="tk:plain">
    <xsl:if test="preceding-sibling::*"><xsl:text> </xsl:text></xsl:if>
    <xsl:apply-templates mode="tk:plain"/>
  </xsl:template>

  <!-- A marker pointing at a note ([1]) is not part of the reading string. -->
  <xsl:template match="tei:ref[@target] | tei:ptr[@target]" mode="tk:plain">
    <xsl:variable name="note"><xsl:call-template name="tk:pointed-note-id"/></xsl:variable>
    <xsl:variable name="marker"><xsl:call-template name="tk:is-marker"/></xsl:variable>
    <xsl:if test="$note = '' or $marker != '1'"><xsl:apply-templates mode="tk:plain"/></xsl:if>
  </xsl:template>

  <xsl:template match="tei:gap" mode="tk:plain">
    <xsl:call-template name="tk:gap-text"/>
  </xsl:template>

  <xsl:template name="tk:gap-text">
    <xsl:variable name="description"><xsl:apply-templates select="tei:desc/node()" mode="tk:plain"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="normalize-space($description) != ''">
        <xsl:value-of select="concat('[', normalize-space($description), ']')"/>
      </xsl:when>
      <xsl:otherwise>[…]</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
