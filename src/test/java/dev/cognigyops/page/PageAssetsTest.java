package dev.cognigyops.page;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class PageAssetsTest {

    static final PageAssets ASSETS = new PageAssets();

    @ParameterizedTest(name = "{0} is served as {1}")
    @CsvSource(delimiter = '|', value = {
            "index.html | text/html; charset=utf-8",
            "page.css   | text/css; charset=utf-8",
            "page.js    | text/javascript; charset=utf-8",
            "chart.js   | text/javascript; charset=utf-8"})
    void thePagesFilesWithTheirContentTypes(String name, String type) {
        PageAssets.Asset asset = ASSETS.find(name).orElseThrow();
        assertThat(asset.contentType()).isEqualTo(type);
        assertThat(asset.bytes()).isNotEmpty();
        assertThat(asset.etag()).matches("\"[0-9a-f]{24}\"");
    }

    @ParameterizedTest(name = "''{0}'' is not served")
    @NullSource
    @ValueSource(strings = {"", "README.md", "../application.properties", "/index.html", "page/index.html",
            "..%2Fapplication.properties", "INDEX.HTML", "index.html/", "routes/platform/page.camel.yaml",
            "dev/cognigyops/page/PageAssets.class", "logback.xml"})
    void anyOtherNameIsNotAFile(String name) {
        assertThat(ASSETS.find(name)).isEmpty();
    }

    @Test
    void theIndexLoadsOnlyTheListedFiles() {
        String html = new String(ASSETS.find("index.html").orElseThrow().bytes(), StandardCharsets.UTF_8);
        assertThat(html).contains("href=\"/page/page.css\"", "src=\"/page/chart.js\"", "src=\"/page/page.js\"");
        assertThat(html).as("no inline script (the CSP forbids it)").doesNotContainPattern("<script>|<script [^s]");
    }

    @ParameterizedTest(name = "If-None-Match {0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "\"abc\"              | true",
            "W/\"abc\"            | true",
            "\"x\", \"abc\"       | true",
            "*                    | true",
            "\"abd\"              | false",
            "abc                  | false"})
    void entityTags(String ifNoneMatch, boolean matches) {
        assertThat(PageAssets.matches(ifNoneMatch, "\"abc\"")).isEqualTo(matches);
    }
}
