<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: letters (included by html.xsl).

  correspDesc (TEI Guidelines 2.4.6) becomes the letter's head above the text: who sent it,
  to whom, from where and when (each correspAction's persName/orgName, placeName and date;
  names link to the index when the register knows them). A register kept in the back
  (listPerson, listPlace, listOrg with identified entries, as many letter editions do) is
  part of the index of names like one in standOff or the header, and is not repeated as
  a list in the text: a pointer to the index stands there instead.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="tei tk">

  <xsl:variable name="tk:word.letter" select="'Letter'"/>
  <xsl:variable name="tk:word.sent" select="'From'"/>
  <xsl:variable name="tk:word.received" select="'To'"/>
  <xsl:variable name="tk:word.forwarded" select="'Forwarded to'"/>
  <xsl:variable name="tk:word.redirected" select="'Redirected to'"/>
  <xsl:variable name="tk:word.see-register" select="'See the index of names.'"/>

  <xsl:template name="tk:letter-head">
    <xsl:for-each select="/*/tei:teiHeader/tei:profileDesc/tei:correspDesc[tei:correspAction]">
      <section class="tk-letter-head" aria-label="{$tk:word.letter}">
        <xsl:text>&#10;</xsl:text>
        <dl class="tk-facts">
          <xsl:for-each select="tei:correspAction">
            <dt>
              <xsl:choose>
                <xsl:when test="@type = 'sent'"><xsl:value-of select="$tk:word.sent"/></xsl:when>
                <xsl:when test="@type = 'received'"><xsl:value-of select="$tk:word.received"/></xsl:when>
                <xsl:when test="@type = 'forwarded'"><xsl:value-of select="$tk:word.forwarded"/></xsl:when>
                <xsl:when test="@type = 'redirected'"><xsl:value-of select="$tk:word.redirected"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="@type"/></xsl:otherwise>
              </xsl:choose>
            </dt>
            <dd>
              <xsl:for-each select="tei:persName | tei:orgName | tei:name | tei:placeName | tei:settlement | tei:date">
                <xsl:if test="position() > 1"><xsl:text>, </xsl:text></xsl:if>
                <xsl:call-template name="tk:letter-part"/>
              </xsl:for-each>
            </dd>
            <xsl:text>&#10;</xsl:text>
          </xsl:for-each>
        </dl>
        <xsl:text>&#10;</xsl:text>
      </section>
      <xsl:text>&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>

  <!-- A name (linked to its register entry) or a date (as a time element when it has a value). -->
  <xsl:template name="tk:letter-part">
    <xsl:variable name="words"><xsl:apply-templates mode="tk:plain"/></xsl:variable>
    <xsl:variable name="entry"><xsl:call-template name="tk:entry-id"/></xsl:variable>
    <xsl:variable name="shown">
      <xsl:value-of select="normalize-space($words)"/>
      <xsl:if test="normalize-space($words) = ''"><xsl:call-template name="tk:date-label"/></xsl:if>
    </xsl:variable>
    <xsl:variable name="html-date">
      <xsl:call-template name="tk:is-html-date"><xsl:with-param name="value" select="@when"/></xsl:call-template>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$entry != ''"><a href="#{$entry}"><xsl:value-of select="$shown"/></a></xsl:when>
      <xsl:when test="self::tei:date and $html-date = '1'"><time datetime="{@when}"><xsl:value-of select="$shown"/>
        </time></xsl:when>
      <xsl:otherwise><span class="tei-{local-name()}"><xsl:value-of select="$shown"/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A register in the back is in the index of names; in the text a pointer to it. -->
  <xsl:template match="tei:listPerson[ancestor::tei:back][descendant::tei:person[@xml:id]
                                                            or descendant::tei:personGrp[@xml:id]]
                       | tei:listPlace[ancestor::tei:back][descendant::tei:place[@xml:id]]
                       | tei:listOrg[ancestor::tei:back][descendant::tei:org[@xml:id]]"
                priority="2">
    <xsl:variable name="flow"><xsl:call-template name="tk:in-flow"/></xsl:variable>
    <xsl:if test="not(ancestor::tei:listPerson or ancestor::tei:listPlace or ancestor::tei:listOrg)
                  and not(preceding-sibling::*[self::tei:listPerson or self::tei:listPlace or self::tei:listOrg])">
      <xsl:element name="{substring('pspan', 1 + ($flow != '1'), 1 + 3 * ($flow != '1'))}">
        <xsl:attribute name="class">tk-register-pointer</xsl:attribute>
        <a href="#tk-register"><xsl:value-of select="$tk:word.see-register"/></a>
      </xsl:element>
    </xsl:if>
  </xsl:template>

  <!-- Extra entries of the contents for the genre sections. -->
  <xsl:template name="tk:genre-toc-entries">
    <xsl:if test="$tk:apps">
      <li><a href="#tk-apparatus"><xsl:value-of select="$tk:word.apparatus"/></a></li>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
