<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: numbering for the HTML reading edition (included by html.xsl).

  Verse lines show their number (l/@n) every fifth line, in the margin, as printed
  editions do; divisions without a head but with a number (Catullus's poems, a play's
  acts and scenes written as div type="scene" n="2") or with a type the reader needs to
  see (an EpiDoc edition, apparatus, translation or commentary) get a visible label as
  their heading and an entry in the contents; an empty head (<head/>) is no empty
  heading: the label stands in for it. Numbered milestones (milestone unit="subchapter"
  n="II", unit="section" n="5") are visible boundaries.

  The label words are variables (tk:word.*): redefine them to translate the page.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="tei tk">

  <!-- Show a line number every $line-numbers lines (0: never). -->
  <xsl:param name="line-numbers" select="5"/>

  <xsl:variable name="tk:word.section" select="'Section'"/>
  <xsl:variable name="tk:word.line" select="'line'"/>
  <!-- Division types whose label is a word of its own rather than the type capitalised. -->
  <tk:division-words>
    <tk:w type="edition" word="Edition"/><tk:w type="apparatus" word="Apparatus"/>
    <tk:w type="translation" word="Translation"/><tk:w type="commentary" word="Commentary"/>
    <tk:w type="bibliography" word="Bibliography"/><tk:w type="textpart" word=""/>
  </tk:division-words>
  <xsl:variable name="tk:division-words" select="document('')/*/tk:division-words/tk:w"/>

  <!-- ================================================================ verse lines -->

  <xsl:template match="tei:l[@n]" priority="2">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:element name="{substring('divspan', 1 + 3 * ($flow != '1'), 3 + ($flow != '1'))}">
      <xsl:call-template name="tk:attributes"/>
      <xsl:call-template name="tk:line-number"/>
      <xsl:apply-templates/>
    </xsl:element>
    <xsl:if test="$flow = '1'"><xsl:text>&#10;</xsl:text></xsl:if>
  </xsl:template>

  <!-- The number of a verse line, when it is a whole number that falls on the step (5, 10, 15 …). -->
  <xsl:template name="tk:line-number">
    <xsl:variable name="n" select="normalize-space(@n)"/>
    <xsl:if test="$line-numbers > 0 and $n != '' and translate($n, '0123456789', '') = ''
                  and $n mod $line-numbers = 0">
      <span class="tk-lineno" aria-hidden="true"><xsl:value-of select="$n"/></span>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================ labelled divisions -->

  <!--
    The label of a division: its head's words, else its type (or subtype) and number
    ("Poem 1", "Scene 2", "Edition"), else nothing.
  -->
  <xsl:template name="tk:division-label">
    <xsl:variable name="head"><xsl:apply-templates select="tei:head[1]" mode="tk:plain"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="normalize-space($head) != ''"><xsl:value-of select="normalize-space($head)"/></xsl:when>
      <xsl:otherwise><xsl:call-template name="tk:division-name"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "Poem 1" from type="textpart" subtype="poem" n="1"; "Edition" from type="edition". -->
  <xsl:template name="tk:division-name">
    <xsl:variable name="type" select="normalize-space(@type)"/>
    <xsl:variable name="known" select="$tk:division-words[@type = $type]"/>
    <xsl:variable name="kind">
      <xsl:choose>
        <xsl:when test="$known and $known/@word != ''"><xsl:value-of select="$known/@word"/></xsl:when>
        <xsl:when test="$known and @subtype"><xsl:value-of select="normalize-space(@subtype)"/></xsl:when>
        <xsl:when test="not($known)"><xsl:value-of select="$type"/></xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="word" select="concat(translate(substring($kind, 1, 1), $tk:lower, $tk:upper),
                                             substring($kind, 2))"/>
    <xsl:variable name="n">
      <xsl:if test="@n and not(contains(@n, ':'))"><xsl:value-of select="normalize-space(@n)"/></xsl:if>
    </xsl:variable>
    <xsl:choose>
      <!-- A number (digits or roman numerals) is named by its kind ("Poem 1", "Book II"); a label in words
           ("To the comrades", "Footnotes") stands alone. -->
      <xsl:when test="$word != '' and $n != '' and translate($n, '0123456789ivxlcdmIVXLCDM.-', '') = ''">
        <xsl:value-of select="concat($word, ' ', $n)"/>
      </xsl:when>
      <xsl:when test="$n != ''"><xsl:value-of select="$n"/></xsl:when>
      <xsl:when test="$known and $known/@word != ''"><xsl:value-of select="$word"/></xsl:when>
    </xsl:choose>
  </xsl:template>

  <!--
    A division without a head that has a number, or a type that names a part of an edition,
    is a section with its label as heading (the same level rules as a head: one below the
    nearest labelled ancestor).
  -->
  <xsl:template match="tei:div[not(tei:head)][(@n and not(contains(@n, ':'))) or @type = 'edition'
                       or @type = 'apparatus' or @type = 'translation' or @type = 'commentary'
                       or @type = 'bibliography']
                       | tei:div1[not(tei:head)][@n] | tei:div2[not(tei:head)][@n] | tei:div3[not(tei:head)][@n]
                       | tei:div4[not(tei:head)][@n] | tei:div5[not(tei:head)][@n]" priority="2">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:variable name="label"><xsl:call-template name="tk:division-label"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$flow = '1' and $label != ''">
        <xsl:variable name="id"><xsl:call-template name="tk:id"/></xsl:variable>
        <section>
          <xsl:call-template name="tk:attributes">
            <xsl:with-param name="id" select="$id"/>
            <xsl:with-param name="class" select="'tk-div tk-labelled'"/>
          </xsl:call-template>
          <xsl:text>&#10;</xsl:text>
          <xsl:variable name="level"><xsl:call-template name="tk:heading-level"/></xsl:variable>
          <xsl:element name="h{$level}">
            <!-- A division that opens with its own salutation (opener) shows it; the label is for the outline. -->
            <xsl:attribute name="class">
              <xsl:text>tk-div-label</xsl:text>
              <xsl:if test="*[1][self::tei:opener]"> tk-sr</xsl:if>
            </xsl:attribute>
            <xsl:value-of select="$label"/>
          </xsl:element>
          <xsl:text>&#10;</xsl:text>
          <xsl:apply-templates/>
        </section>
        <xsl:text>&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <span><xsl:call-template name="tk:attributes"/><xsl:apply-templates/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    The heading level of a division's heading: one below the nearest labelled ancestor
    division (headed, numbered or of an edition part's type), h2 at the top, at most h6.
  -->
  <xsl:template name="tk:heading-level">
    <xsl:variable name="depth" select="count(ancestor-or-self::tei:div[tei:head or (@n and not(contains(@n, ':')))
        or @type = 'edition' or @type = 'apparatus' or @type = 'translation' or @type = 'commentary'
        or @type = 'bibliography'])
        + count(ancestor-or-self::*[self::tei:div1 or self::tei:div2 or self::tei:div3 or self::tei:div4
                or self::tei:div5 or self::tei:div6 or self::tei:div7][tei:head or @n])
        + count(ancestor::tei:TEI[parent::tei:teiCorpus])"/>
    <xsl:choose>
      <xsl:when test="$depth + 1 > 6">6</xsl:when>
      <xsl:otherwise><xsl:value-of select="$depth + 1"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An empty head: a heading that screen readers read (the division's label), hidden on screen. -->
  <xsl:template match="tei:head[not(normalize-space()) and not(*)]" priority="2">
    <xsl:variable name="division" select="parent::tei:div | parent::tei:div1 | parent::tei:div2
        | parent::tei:div3 | parent::tei:div4 | parent::tei:div5 | parent::tei:div6 | parent::tei:div7"/>
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:if test="$division and $flow = '1' and not(preceding-sibling::tei:head)">
      <xsl:variable name="level">
        <xsl:for-each select="$division"><xsl:call-template name="tk:heading-level"/></xsl:for-each>
      </xsl:variable>
      <xsl:element name="h{$level}">
        <xsl:call-template name="tk:attributes"><xsl:with-param name="class" select="'tk-sr'"/></xsl:call-template>
        <xsl:for-each select="$division"><xsl:call-template name="tk:fallback-label"/></xsl:for-each>
      </xsl:element>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- The label of a division whose head is empty: its type and number, else "Section N". -->
  <xsl:template name="tk:fallback-label">
    <xsl:variable name="name"><xsl:call-template name="tk:division-name"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$name != ''"><xsl:value-of select="$name"/></xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="concat($tk:word.section, ' ')"/>
        <xsl:call-template name="tk:serial"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================ contents -->

  <xsl:template match="tei:div[not(tei:head)][(@n and not(contains(@n, ':'))) or @type = 'edition'
                       or @type = 'apparatus' or @type = 'translation' or @type = 'commentary'
                       or @type = 'bibliography']
                       | tei:div1[not(tei:head)][@n] | tei:div2[not(tei:head)][@n] | tei:div3[not(tei:head)][@n]
                       | tei:div4[not(tei:head)][@n] | tei:div5[not(tei:head)][@n]
                       | tei:div[tei:head] | tei:div1[tei:head] | tei:div2[tei:head] | tei:div3[tei:head]
                       | tei:div4[tei:head] | tei:div5[tei:head] | tei:div6[tei:head] | tei:div7[tei:head]"
                mode="tk:toc" priority="2">
    <xsl:variable name="children"><xsl:apply-templates select="*" mode="tk:toc"/></xsl:variable>
    <xsl:variable name="label"><xsl:call-template name="tk:division-label"/></xsl:variable>
    <!-- dir="auto": an Arabic or Hebrew head reads right to left in the contents too (the browser decides). -->
    <li dir="auto">
      <a>
        <xsl:attribute name="href">#<xsl:call-template name="tk:id"/></xsl:attribute>
        <xsl:choose>
          <xsl:when test="$label != ''"><xsl:value-of select="$label"/></xsl:when>
          <xsl:otherwise><xsl:call-template name="tk:fallback-label"/></xsl:otherwise>
        </xsl:choose>
      </a>
      <xsl:if test="string($children) != ''">
        <ol><xsl:apply-templates select="*" mode="tk:toc"/></ol>
      </xsl:if>
    </li>
  </xsl:template>

  <!-- ================================================================ numbered milestones -->

  <!-- A numbered milestone: its unit and number as a visible boundary ("Subchapter II"), or a marker in a line. -->
  <xsl:template match="tei:milestone[@n][not(@unit = 'page' or @unit = 'line' or @unit = 'para')]" priority="2">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:variable name="unit" select="normalize-space(@unit)"/>
    <xsl:variable name="label" select="normalize-space(concat(translate(substring($unit, 1, 1), $tk:lower, $tk:upper),
                                       substring($unit, 2), ' ', @n))"/>
    <xsl:choose>
      <xsl:when test="$flow = '1'">
        <p role="separator" aria-label="{$label}">
          <xsl:call-template name="tk:attributes"><xsl:with-param name="class" select="'tk-milestone'"/>
            </xsl:call-template>
          <xsl:value-of select="$label"/>
        </p>
        <xsl:text>&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <span>
          <xsl:call-template name="tk:attributes"><xsl:with-param name="class" select="'tk-milestone-marker'"/>
            </xsl:call-template>
          <xsl:value-of select="$label"/>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
