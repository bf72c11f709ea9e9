package dev.cognigyops.flowdeploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Seed 003's flow schema ({@code schemas/flow.schema.json}, JSON Schema draft-07), applied with the
 * networknt validator. Every violation of every flow is reported, each as
 * {@code <flow>: <JSON path>: <message>}.
 */
public final class FlowSchema {

    public static final String RESOURCE = "/schemas/flow.schema.json";

    /** One rule a flow breaks. {@code flow} is its id, or {@code #<index>} when it has no usable id. */
    public record Violation(String flow, String path, String message) {
        @Override
        public String toString() {
            return flow + ": " + path + ": " + message;
        }
    }

    private final JsonSchema schema;

    public FlowSchema() {
        try (InputStream in = FlowSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the flow schema " + RESOURCE + " is not on the class path");
            }
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The violations of one flow, in a stable order (by path, then message). */
    public List<Violation> check(JsonNode flow, int index) {
        String name = flow != null && flow.path("id").isTextual() && !flow.path("id").asText().isBlank()
                ? flow.path("id").asText() : "#" + index;
        List<Violation> found = new ArrayList<>();
        for (ValidationMessage m : schema.validate(flow)) {
            found.add(new Violation(name, m.getInstanceLocation().toString(), m.getError()));
        }
        found.sort(Comparator.comparing(Violation::path).thenComparing(Violation::message));
        return found;
    }

    /** The violations of every flow, flow by flow in the order given. */
    public List<Violation> checkAll(List<JsonNode> flows) {
        List<Violation> all = new ArrayList<>();
        for (int i = 0; i < flows.size(); i++) {
            all.addAll(check(flows.get(i), i));
        }
        return all;
    }
}
