package dev.cognigyops.flowdeploy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Paging until total, and never forever. */
class PagerTest {

    static JsonNode page(long total, int from, int count) {
        ObjectNode page = Json.object();
        page.put("total", total);
        var items = page.putArray("items");
        IntStream.range(from, from + count).forEach(i -> items.addObject().put("id", "flow_" + i));
        return page;
    }

    /** A server that answers honestly: {@code total} items, {@code served} per page whatever the limit. */
    @ParameterizedTest(name = "total {0}, page size {1}, served {2} a page → {3} pages")
    @CsvSource({
            "250, 100, 100, 3",
            "200, 100, 100, 2",
            "0,   100, 0,   1",
            "1,   100, 100, 1",
            "250, 100, 40,  7",   // the server caps pages lower than asked: offsets follow what came
    })
    void readsUntilTotal(int total, int pageSize, int served, int expectedPages) {
        Pager pager = new Pager("flows", pageSize, 100);
        List<Integer> offsets = new ArrayList<>();
        while (pager.hasNext()) {
            int offset = pager.nextOffset();
            offsets.add(offset);
            pager = pager.accept(page(total, offset, Math.max(0, Math.min(served, total - offset))));
        }
        assertThat(pager.pages()).isEqualTo(expectedPages);
        assertThat(pager.items()).hasSize(total);
        assertThat(offsets.get(0)).isZero();
    }

    @Test
    void aTotalThatIsNeverReachedFailsInsteadOfLoopingForever() {
        Pager pager = new Pager("flows", 100, 100).accept(page(500, 0, 100));
        assertThatThrownBy(() -> pager.accept(page(500, 100, 0)))
                .isInstanceOf(RunFailure.class).hasMessageContaining("total 500").hasMessageContaining("no new item")
                .extracting(e -> ((RunFailure) e).code()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
    }

    @Test
    void aServerRepeatingTheSamePageFailsAsNoProgress() {
        Pager pager = new Pager("flows", 100, 100).accept(page(300, 0, 100));
        assertThatThrownBy(() -> pager.accept(page(300, 0, 100))).hasMessageContaining("no new item");
    }

    @Test
    void overlappingPagesKeepEachItemOnceButTwoDifferentItemsUnderOneIdFail() {
        Pager pager = new Pager("flows", 100, 100).accept(page(4, 0, 3)).accept(page(4, 2, 2));
        assertThat(pager.items()).extracting(i -> i.path("id").asText()).containsExactly("flow_0", "flow_1", "flow_2", "flow_3");

        Pager conflicting = new Pager("flows", 2, 100).accept(page(4, 0, 2));
        ObjectNode clash = (ObjectNode) page(4, 1, 2);
        ((ObjectNode) clash.path("items").get(0)).put("name", "another flow_1");
        assertThatThrownBy(() -> conflicting.accept(clash)).hasMessageContaining("two different items with id flow_1");
    }

    @Test
    void moreThanMaxPagesFails() {
        Pager pager = new Pager("intents", 1, 3).accept(page(10, 0, 1)).accept(page(10, 1, 1));
        assertThatThrownBy(() -> pager.accept(page(10, 2, 1))).hasMessageContaining("3 pages brought only 3 items")
                .hasMessageContaining("intents");
    }

    @Test
    void acceptingAPageLeavesTheListingItWasGivenAsItWas() {
        Pager before = new Pager("flows", 2, 100);
        Pager after = before.accept(page(4, 0, 2));
        assertThat(before.pages()).isZero();
        assertThat(before.nextOffset()).isZero();
        assertThat(after.nextOffset()).isEqualTo(2);
        assertThat(after.hasNext()).isTrue();
    }

    @Test
    void aPageWithoutItemsOrTotalIsAnUpstreamError() throws Exception {
        assertThatThrownBy(() -> new Pager("flows", 10, 10).accept(Json.parse("{\"total\": 3}")))
                .hasMessageContaining("no items array");
        assertThatThrownBy(() -> new Pager("flows", 10, 10).accept(Json.parse("{\"items\": []}")))
                .hasMessageContaining("no total");
    }
}
