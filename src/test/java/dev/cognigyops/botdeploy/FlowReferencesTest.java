package dev.cognigyops.botdeploy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.botdeploy.FlowReferences.Ref;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FlowReferencesTest {

    static final List<Ref> REFS = List.of(new Ref("order", "v2"), new Ref("refund", "v1"));

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("all listed", Map.of("order", Set.of("v1", "v2"), "refund", Set.of("v1")), List.of()),
                arguments("a version missing", Map.of("order", Set.of("v1"), "refund", Set.of("v1")),
                        List.of("flow order version v2 (versions listed: v1)")),
                arguments("a flow with no versions", Map.of("order", Set.of(), "refund", Set.of("v1")),
                        List.of("flow order version v2 (versions listed: none)")),
                arguments("a flow that does not exist, and a version missing", Map.of("order", Set.of("v3")),
                        List.of("flow order version v2 (versions listed: v3)", "flow refund version v1 (no such flow in the bot)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void namesEveryReferenceNotResolved(String name, Map<String, Set<String>> listed, List<String> expected) {
        assertThat(FlowReferences.missing(REFS, listed)).isEqualTo(expected);
    }

    @Test
    void readsTheVersionsAnAnswerLists() throws Exception {
        assertThat(FlowReferences.listedVersions(Json.parse("{\"items\":[{\"version\":\"v1\"},{\"version\":\"v2\"},{\"other\":1}]}")))
                .containsExactly("v1", "v2");
        assertThat(FlowReferences.listedVersions(Json.parse("{}"))).isEmpty();
    }

    @Test
    void asksAboutEachFlowOnce() {
        assertThat(FlowReferences.flowIds(List.of(new Ref("a", "1"), new Ref("b", "1"), new Ref("a", "2")))).containsExactly("a", "b");
    }
}
