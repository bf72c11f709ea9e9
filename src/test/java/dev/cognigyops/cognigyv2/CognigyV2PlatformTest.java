package dev.cognigyops.cognigyv2;

import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;
import org.apache.camel.main.Main;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.CognigyOps;
import dev.cognigyops.runs.OperationState;
import dev.cognigyops.support.InvalidSetting;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared pieces of profile cognigy-v2 in the whole app: a listing read across its pages by the
 * route template cognigy-v2-list, and a profile the program does not know failing the start.
 */
class CognigyV2PlatformTest extends AppTestSupport {

    static final String API_KEY = "ak-Listing-test-key-2b9e11";

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.api.profile", "cognigy-v2");
        p.setProperty("cognigy.auth.api-key", API_KEY);
        p.setProperty("cognigy.v2.page-size", "2");
        return p;
    }

    /** A run state with only what a listing needs: the path's values. */
    record ListingState(Map<String, String> pathValues) implements OperationState {
        enum Phase { LISTING }

        @Override
        public Enum<?> phase() {
            return Phase.LISTING;
        }

        @Override
        public String resource() {
            return "project:" + pathValues.get("projectId");
        }
    }

    @Test
    void aListingIsReadAcrossItsPages() throws Exception {
        String[] pages = {"[{\"_id\":\"a\"},{\"_id\":\"b\"}]", "[{\"_id\":\"c\"},{\"_id\":\"d\"}]", "[{\"_id\":\"e\"}]"};
        for (int i = 0; i < pages.length; i++) {
            cognigy.stubFor(get(urlPathEqualTo("/new/v2.0/tasks")).withQueryParam("skip", equalTo(Integer.toString(2 * i)))
                    .withQueryParam("limit", equalTo("2")).withQueryParam("projectId", equalTo("p-1"))
                    .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"items\":" + pages[i]
                            + ",\"total\":5,\"nextCursor\":null,\"previousCursor\":null}")));
        }
        context.addRouteFromTemplate("list-tasks", "cognigy-v2-list", Map.of("listEndpoint", "direct:test-list-tasks",
                "path", "{{cognigy.v2.api.tasks}}", "query", "projectId={projectId}"));

        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(OperationState.PROPERTY, new ListingState(Map.of("projectId", "p-1")));
        Exchange done = template.send("direct:test-list-tasks", exchange);

        assertThat(done.getException()).isNull();
        JsonNode items = done.getMessage().getBody(JsonNode.class);
        assertThat(items.findValuesAsText("_id")).containsExactly("a", "b", "c", "d", "e");
        var asked = cognigy.findAll(getRequestedFor(urlPathEqualTo("/new/v2.0/tasks")));
        assertThat(asked).extracting(r -> r.queryParameter("skip").firstValue()).containsExactly("0", "2", "4");
        assertThat(asked).allSatisfy(r -> {
            assertThat(r.queryParameter("limit").firstValue()).isEqualTo("2");
            assertThat(r.queryParameter("projectId").firstValue()).isEqualTo("p-1");
        });
        assertThat(cognigy.findAll(getRequestedFor(urlPathEqualTo("/new/v2.0/tasks"))))
                .allSatisfy(r -> assertThat(r.getHeader("X-API-Key")).isEqualTo(API_KEY));
    }

    @Test
    void aProfileTheProgramDoesNotKnowFailsTheStartInOneLine() {
        Main main = CognigyOps.newMain();
        main.addOverrideProperty("cognigy.api.profile", "cognigy-v3");
        main.addOverrideProperty("cognigy.base-url", cognigy.baseUrl());
        main.addOverrideProperty(dev.cognigyops.support.Switches.TRIGGERS, "false");
        main.addOverrideProperty("cognigy.data.dir", workDir.resolve("bad-profile").toString());
        try {
            assertThatThrownBy(main::start).satisfies(e -> {
                Throwable t = e;
                while (t != null && !(t instanceof InvalidSetting)) {
                    t = t.getCause();
                }
                assertThat(t).as("an InvalidSetting in " + e).isNotNull()
                        .hasMessage("cognigy.api.profile is 'cognigy-v3'; it must be one of: seeds, cognigy-v2");
            });
        } finally {
            main.stop();
        }
    }
}
