<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: TEI P5 → the reading text (XSLT 1.0), for people and for text-analysis tools.

  The stylesheet says what the blocks are; teikit's Python side (teikit.render.text) lays
  them out: it joins blocks with blank lines (or single newlines inside lists, stanzas and
  speeches), indents, wraps to a width and collapses the source's layout whitespace. The
  two talk through four Unicode noncharacters, which no TEI text may contain (any that
  occur are dropped from text nodes):

    U+FDD0 KIND U+FDD2 PREFIX U+FDD2   a block or group of blocks opens
    U+FDD1                             it closes
    U+FDD3                             a hard line break (lb)
    U+FDD4                             join the words on either side (lb break="no")

  Only the text is rendered (the header is metadata). Choices give the edited reading
  (corr, reg, expan); notes written at their point of attachment become numbered markers
  [n] and endnotes; notes collected apart (as teikit's footnotes) stay where they are.
  With notes='no' every note and every marker-only pointer to one is left out.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="tei tk">

  <xsl:import href="common.xsl"/>
  <!-- Genre modules: the apparatus criticus and the Leiden conventions. -->
  <xsl:include href="genres-text.xsl"/>

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:variable name="tk:open" select="'&#xFDD0;'"/>
  <xsl:variable name="tk:sep" select="'&#xFDD2;'"/>
  <xsl:variable name="tk:close" select="'&#xFDD1;'"/>
  <xsl:variable name="tk:line-break" select="'&#xFDD3;'"/>
  <xsl:variable name="tk:join" select="'&#xFDD4;'"/>
  <xsl:variable name="tk:word.note-mark" select="'Note'"/>

  <!-- ================================================================ the protocol -->

  <!-- Open a block or group of KIND, run its content, close it. -->
  <xsl:template name="tk:block">
    <xsl:param name="kind" select="'p'"/>
    <xsl:param name="prefix" select="''"/>
    <xsl:param name="content" select="node()"/>
    <xsl:value-of select="concat($tk:open, $kind, $tk:sep, $prefix, $tk:sep)"/>
    <xsl:apply-templates select="$content"/>
    <xsl:value-of select="$tk:close"/>
  </xsl:template>

  <!-- ================================================================ the document -->

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="/tei:TEI/tei:text | /tei:teiCorpus">
        <xsl:apply-templates select="/tei:TEI/tei:text | /tei:teiCorpus/tei:TEI/tei:text"/>
      </xsl:when>
      <xsl:when test="/tei:TEI">
        <xsl:call-template name="tk:block"><xsl:with-param name="kind" select="'div'"/>
          <xsl:with-param name="content" select="/tei:TEI/*[not(self::tei:teiHeader or self::tei:standOff
                                                 or self::tei:facsimile)]"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="tk:block"><xsl:with-param name="kind" select="'div'"/>
          <xsl:with-param name="content" select="/*"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:call-template name="tk:endnotes"/>
    <xsl:call-template name="tk:apparatus-text"/>
  </xsl:template>

  <xsl:template match="tei:teiHeader | tei:standOff | tei:facsimile | tei:sourceDoc[../tei:text] | tei:fw | tei:figDesc
                       | comment() | processing-instruction()"/>

  <xsl:template match="text()">
    <xsl:value-of select="translate(., '&#xFDD0;&#xFDD1;&#xFDD2;&#xFDD3;&#xFDD4;', '')"/>
  </xsl:template>

  <!-- Unknown elements keep their text: a paragraph where blocks stand, else just their words. -->
  <xsl:template match="*">
    <xsl:variable name="block"><xsl:call-template name="tk:between-blocks"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$block = '1' and normalize-space(.) != ''">
        <xsl:call-template name="tk:block"/>
      </xsl:when>
      <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================ groups -->

  <xsl:template match="tei:text | tei:front | tei:body | tei:back | tei:group | tei:div | tei:div1 | tei:div2
                       | tei:div3 | tei:div4 | tei:div5 | tei:div6 | tei:div7 | tei:opener | tei:closer
                       | tei:titlePage | tei:docTitle | tei:figure | tei:floatingText | tei:epigraph | tei:argument
                       | tei:postscript | tei:letter | tei:spGrp | tei:cit[tei:quote[tei:p or tei:lg or tei:l]]">
    <xsl:call-template name="tk:block"><xsl:with-param name="kind" select="'div'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:lg">
    <xsl:call-template name="tk:block"><xsl:with-param name="kind" select="'lg'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:sp">
    <xsl:call-template name="tk:block"><xsl:with-param name="kind" select="'sp'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:table">
    <xsl:call-template name="tk:block"><xsl:with-param name="kind" select="'table'"/></xsl:call-template>
  </xsl:template>

  <!-- ================================================================ blocks -->

  <xsl:template match="tei:p | tei:ab">
    <xsl:call-template name="tk:block"/>
  </xsl:template>

  <xsl:template match="tei:salute | tei:signed | tei:dateline | tei:byline | tei:docAuthor
                       | tei:docDate | tei:docEdition | tei:docImprint | tei:trailer | tei:imprimatur | tei:address
                       | tei:seg[parent::tei:closer or parent::tei:opener] | tei:label[not(parent::tei:list)]
                       | tei:bibl[not(parent::tei:listBibl)] | tei:eg">
    <xsl:variable name="block"><xsl:call-template name="tk:between-blocks"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$block = '1'">
        <xsl:call-template name="tk:block"/>
      </xsl:when>
      <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:head | tei:titlePart">
    <xsl:call-template name="tk:block"><xsl:with-param name="kind" select="'h'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:l">
    <xsl:call-template name="tk:block"><xsl:with-param name="kind" select="'l'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:speaker">
    <xsl:call-template name="tk:block"><xsl:with-param name="kind" select="'s'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:stage">
    <xsl:variable name="block"><xsl:call-template name="tk:between-blocks"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$block = '1'"><xsl:call-template name="tk:block"/></xsl:when>
      <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:quote">
    <xsl:variable name="block"><xsl:call-template name="tk:between-blocks"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$block = '1' or tei:p or tei:lg or tei:l or tei:list">
        <xsl:call-template name="tk:block"><xsl:with-param name="kind" select="'quote'"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:milestone[@unit = 'section' or @rend]">
    <xsl:value-of select="concat($tk:open, 'p', $tk:sep, $tk:sep)"/>
    <xsl:variable name="sign"><xsl:call-template name="tk:printed-sign"/></xsl:variable>
    <xsl:value-of select="$sign"/>
    <xsl:value-of select="$tk:close"/>
  </xsl:template>

  <xsl:template match="tei:row">
    <xsl:call-template name="tk:block"><xsl:with-param name="kind" select="'row'"/></xsl:call-template>
  </xsl:template>
  <xsl:template match="tei:cell">
    <xsl:if test="preceding-sibling::tei:cell"><xsl:text> | </xsl:text></xsl:if>
    <xsl:apply-templates/>
  </xsl:template>

  <!-- ================================================================ lists -->

  <xsl:template match="tei:list | tei:listBibl | tei:castList | tei:castGroup | tei:listPerson | tei:listOrg
                       | tei:listPlace | tei:listEvent">
    <xsl:call-template name="tk:block">
      <xsl:with-param name="kind" select="'list'"/>
      <xsl:with-param name="content" select="node()[not(self::tei:label and parent::tei:list
                                             and following-sibling::*[1][self::tei:item])]"/>
    </xsl:call-template>
  </xsl:template>

  <!-- An item: its printed marker (@n), the number of an ordered list, the label of a glossary, else a bullet. -->
  <xsl:template match="tei:item | tei:castItem | tei:listBibl/tei:bibl | tei:listBibl/tei:biblStruct
                       | tei:listPerson/* | tei:listOrg/* | tei:listPlace/* | tei:listEvent/*">
    <xsl:variable name="style" select="translate(concat(' ', ../@type, ' ', ../@rend, ' '), $tk:upper, $tk:lower)"/>
    <xsl:variable name="label" select="preceding-sibling::*[1][self::tei:label][parent::tei:list]"/>
    <xsl:variable name="n-is-label"><xsl:call-template name="tk:is-label"/></xsl:variable>
    <xsl:variable name="prefix">
      <xsl:choose>
        <xsl:when test="$label">
          <xsl:variable name="words"><xsl:apply-templates select="$label" mode="tk:plain"/></xsl:variable>
          <xsl:value-of select="concat(normalize-space($words), ' ')"/>
        </xsl:when>
        <xsl:when test="@n and $n-is-label = '1'"><xsl:value-of select="concat(normalize-space(@n), ' ')"/></xsl:when>
        <xsl:when test="self::tei:castItem or parent::tei:castGroup"/>
        <xsl:when test="contains($style, 'order') or contains($style, 'number') or contains($style, 'arabic')">
          <xsl:value-of select="concat(count(preceding-sibling::tei:item) + 1, '. ')"/>
        </xsl:when>
        <xsl:otherwise>• </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:call-template name="tk:block">
      <xsl:with-param name="kind" select="'i'"/>
      <xsl:with-param name="prefix" select="$prefix"/>
    </xsl:call-template>
  </xsl:template>

  <!-- A role and its description read 'ALPHA, a speaker' (unless the source has the comma). -->
  <xsl:template match="tei:roleDesc">
    <xsl:call-template name="tk:role-comma"><xsl:with-param name="comma" select="concat($tk:join, ', ')"/></xsl:call-template>
    <xsl:apply-templates/>
  </xsl:template>

  <xsl:template match="tei:del"/>

  <xsl:template match="tei:addrLine">
    <xsl:if test="preceding-sibling::tei:addrLine"><xsl:value-of select="$tk:line-break"/></xsl:if>
    <xsl:apply-templates/>
  </xsl:template>

  <!-- ================================================================ phrase level -->

  <xsl:template match="tei:choice">
    <xsl:apply-templates select="(tei:corr | tei:reg | tei:expan)[1] | *[1][not(../tei:corr | ../tei:reg | ../tei:expan)]"/>
  </xsl:template>

  <xsl:template match="tei:app">
    <xsl:apply-templates select="(tei:lem | tei:rdg)[1]"/>
  </xsl:template>

  <xsl:template match="tei:lb">
    <xsl:choose>
      <xsl:when test="@break = 'no'"><xsl:value-of select="$tk:join"/></xsl:when>
      <xsl:when test="preceding-sibling::node()[self::* or normalize-space()]"><xsl:value-of select="$tk:line-break"/></xsl:when>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:pb | tei:cb | tei:milestone | tei:anchor | tei:space | tei:graphic | tei:media"/>

  <xsl:template match="tei:gap">
    <xsl:call-template name="tk:gap-text"/>
  </xsl:template>

  <xsl:template match="tei:caesura"><xsl:text> </xsl:text></xsl:template>

  <!-- ================================================================ notes -->

  <xsl:template match="tei:note">
    <xsl:variable name="placement"><xsl:call-template name="tk:note-placement"/></xsl:variable>
    <xsl:variable name="block"><xsl:call-template name="tk:between-blocks"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$notes = 'no'"/>
      <xsl:when test="$placement = 'collected'">
        <xsl:text>[</xsl:text>
        <xsl:call-template name="tk:note-number"/>
        <xsl:text>]</xsl:text>
      </xsl:when>
      <xsl:when test="$block = '1' or $placement = 'referenced'">
        <xsl:call-template name="tk:block">
          <xsl:with-param name="kind" select="'n'"/>
          <xsl:with-param name="prefix"><xsl:call-template name="tk:note-prefix"/></xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text> [</xsl:text><xsl:apply-templates/><xsl:text>]</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    How a note printed as a block of its own is marked, so that a reading of the text (and a tool such as
    Voyant) can tell it from the text: its own label if it has one; [n] for a note pointed to from
    elsewhere (the number its pointers print); 'Note: ' for a note standing between blocks (FreDraCor's
    notes between verse lines), which would otherwise read as one more line of the speech.
  -->
  <xsl:template name="tk:note-prefix">
    <xsl:variable name="placement"><xsl:call-template name="tk:note-placement"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="tei:label"/>
      <xsl:when test="$placement = 'referenced'">
        <xsl:variable name="number"><xsl:call-template name="tk:note-number"/></xsl:variable>
        <xsl:value-of select="concat('[', $number, '] ')"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="concat($tk:word.note-mark, ': ')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:ref | tei:ptr">
    <xsl:variable name="note"><xsl:call-template name="tk:pointed-note-id"/></xsl:variable>
    <xsl:variable name="marker"><xsl:call-template name="tk:is-marker"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$note != '' and $marker = '1' and $notes = 'no'"/>
      <xsl:when test="self::tei:ptr and $note != ''">
        <xsl:text>[</xsl:text>
        <xsl:for-each select="key('tk:id', $note)"><xsl:call-template name="tk:note-number"/></xsl:for-each>
        <xsl:text>]</xsl:text>
      </xsl:when>
      <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The notes written at their point of attachment, numbered, after the text. -->
  <xsl:template name="tk:endnotes">
    <xsl:if test="$tk:collected-notes and $notes != 'no'">
      <xsl:value-of select="concat($tk:open, 'notes', $tk:sep, $tk:sep)"/>
      <xsl:value-of select="concat($tk:open, 'h', $tk:sep, $tk:sep, $tk:word.notes, $tk:close)"/>
      <xsl:for-each select="$tk:collected-notes">
        <xsl:variable name="number"><xsl:call-template name="tk:note-number"/></xsl:variable>
        <xsl:call-template name="tk:block">
          <xsl:with-param name="kind" select="'n'"/>
          <xsl:with-param name="prefix" select="concat('[', $number, '] ')"/>
          <xsl:with-param name="content" select="node()[not(self::tei:label)]"/>
        </xsl:call-template>
      </xsl:for-each>
      <xsl:value-of select="$tk:close"/>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
