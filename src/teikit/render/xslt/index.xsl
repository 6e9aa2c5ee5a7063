<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit: the index page of a folder of editions (XSLT 1.0).

  Input (made by teikit.render.html.index_document):
    <tk:index title="…"><tk:edition html="x.html" text="x.txt" tei="…"><teiHeader>…</teiHeader></tk:edition>…</tk:index>
  Each edition is listed with its title, authors, publication, source, languages and keywords,
  and links to its renderings. Override tk:edition-entry to change what an entry shows.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="tei tk">

  <xsl:import href="html.xsl"/>

  <xsl:output method="html" encoding="UTF-8" indent="no"/>

  <xsl:variable name="tk:word.reading-edition" select="'Reading edition'"/>
  <xsl:variable name="tk:word.plain-text" select="'Plain text'"/>
  <xsl:variable name="tk:word.tei" select="'TEI P5'"/>
  <xsl:variable name="tk:word.formats" select="'Formats'"/>

  <xsl:template match="/">
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
    <html lang="en">
      <xsl:text>&#10;</xsl:text>
      <head>
        <xsl:text>&#10;</xsl:text>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <xsl:text>&#10;</xsl:text>
        <meta name="generator" content="{$generator}"/>
        <xsl:text>&#10;</xsl:text>
        <title><xsl:value-of select="tk:index/@title"/></title>
        <xsl:text>&#10;</xsl:text>
        <xsl:if test="$css != ''"><style><xsl:value-of select="$css"/></style><xsl:text>&#10;</xsl:text></xsl:if>
      </head>
      <xsl:text>&#10;</xsl:text>
      <body class="tk-page tk-index">
        <xsl:text>&#10;</xsl:text>
        <header class="tk-title-block"><h1><xsl:value-of select="tk:index/@title"/></h1></header>
        <xsl:text>&#10;</xsl:text>
        <main id="tk-main">
          <xsl:text>&#10;</xsl:text>
          <ul class="tk-editions">
            <xsl:text>&#10;</xsl:text>
            <xsl:for-each select="tk:index/tk:edition">
              <xsl:call-template name="tk:edition-entry"/>
              <xsl:text>&#10;</xsl:text>
            </xsl:for-each>
          </ul>
          <xsl:text>&#10;</xsl:text>
        </main>
        <xsl:text>&#10;</xsl:text>
        <xsl:call-template name="tk:page-footer"/>
      </body>
      <xsl:text>&#10;</xsl:text>
    </html>
  </xsl:template>

  <xsl:template name="tk:edition-entry">
    <xsl:variable name="header" select="tei:teiHeader"/>
    <xsl:variable name="stmt" select="$header/tei:fileDesc/tei:titleStmt"/>
    <xsl:variable name="publication" select="$header/tei:fileDesc/tei:publicationStmt"/>
    <li class="tk-edition">
      <h2><a href="{@html}"><xsl:call-template name="tk:main-title"><xsl:with-param name="header" select="$header"/></xsl:call-template></a></h2>
      <xsl:for-each select="$stmt/tei:title[@type = 'sub' or @type = 'subtitle']">
        <p class="tk-subtitle"><xsl:apply-templates mode="tk:plain"/></p>
      </xsl:for-each>
      <xsl:if test="$stmt/tei:author">
        <p class="tk-authors">
          <xsl:value-of select="concat($tk:word.authors, ' ')"/>
          <xsl:for-each select="$stmt/tei:author">
            <xsl:if test="position() > 1"><xsl:text>; </xsl:text></xsl:if>
            <xsl:variable name="name">
              <xsl:choose>
                <xsl:when test="tei:persName | tei:orgName | tei:name">
                  <xsl:apply-templates select="(tei:persName | tei:orgName | tei:name)[1]" mode="tk:plain"/>
                </xsl:when>
                <xsl:otherwise><xsl:apply-templates mode="tk:plain"/></xsl:otherwise>
              </xsl:choose>
            </xsl:variable>
            <xsl:value-of select="normalize-space($name)"/>
            <xsl:if test="@role"><xsl:value-of select="concat(' (', @role, ')')"/></xsl:if>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:if test="$publication/tei:publisher or $publication/tei:date">
        <p class="tk-publication">
          <xsl:value-of select="concat($tk:word.publication, ': ')"/>
          <xsl:for-each select="$publication/tei:publisher | $publication/tei:distributor | $publication/tei:date">
            <xsl:if test="position() > 1"><xsl:text>, </xsl:text></xsl:if>
            <xsl:apply-templates select="." mode="tk:plain"/>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:for-each select="$header/tei:fileDesc/tei:sourceDesc/*[1]">
        <p class="tk-source"><xsl:value-of select="concat($tk:word.source, ': ')"/><xsl:apply-templates select="." mode="tk:citation"/></p>
      </xsl:for-each>
      <xsl:if test="$header/tei:profileDesc/tei:langUsage/tei:language">
        <p class="tk-languages">
          <xsl:value-of select="concat($tk:word.languages, ': ')"/>
          <xsl:for-each select="$header/tei:profileDesc/tei:langUsage/tei:language">
            <xsl:if test="position() > 1"><xsl:text>, </xsl:text></xsl:if>
            <xsl:choose>
              <xsl:when test="normalize-space(.) != ''"><xsl:value-of select="normalize-space(.)"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="@ident"/></xsl:otherwise>
            </xsl:choose>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:if test="$header/tei:profileDesc/tei:textClass//tei:term">
        <p class="tk-keywords">
          <xsl:value-of select="concat($tk:word.keywords, ': ')"/>
          <xsl:for-each select="$header/tei:profileDesc/tei:textClass//tei:term">
            <xsl:if test="position() > 1"><xsl:text>; </xsl:text></xsl:if>
            <xsl:value-of select="normalize-space(.)"/>
          </xsl:for-each>
        </p>
      </xsl:if>
      <p class="tk-formats">
        <xsl:value-of select="concat($tk:word.formats, ': ')"/>
        <a href="{@html}"><xsl:value-of select="$tk:word.reading-edition"/></a>
        <xsl:if test="@text"><xsl:text> </xsl:text><a href="{@text}"><xsl:value-of select="$tk:word.plain-text"/></a></xsl:if>
        <xsl:if test="@tei"><xsl:text> </xsl:text><a href="{@tei}"><xsl:value-of select="$tk:word.tei"/></a></xsl:if>
      </p>
    </li>
  </xsl:template>

</xsl:stylesheet>
