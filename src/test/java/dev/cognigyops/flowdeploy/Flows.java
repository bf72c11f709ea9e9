package dev.cognigyops.flowdeploy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cognigyops.support.Json;

/** Flows as Cognigy exports them (valid under seed 003's schema), for tests. */
public final class Flows {

    private Flows() {
    }

    /** A valid flow; {@code refs} are {@code type:id} (e.g. {@code flow:flow_b}, {@code intent:greet}). */
    public static ObjectNode flow(String id, String version, String... refs) {
        ObjectNode f = Json.object();
        f.put("id", id);
        f.put("name", "Flow " + id);
        f.put("version", version);
        f.put("environmentId", "env-dev");
        ArrayNode nodes = f.putArray("nodes");
        nodes.addObject().put("id", "n1").put("type", "start").putObject("configuration");
        nodes.addObject().put("id", "n2").put("type", "end").putObject("configuration").put("say", "bye");
        ArrayNode edges = f.putArray("edges");
        edges.addObject().put("from", "n1").put("to", "n2").putNull("condition");
        ArrayNode ext = f.putArray("externalReferences");
        for (String ref : refs) {
            String[] parts = ref.split(":", 2);
            ext.addObject().put("type", parts[0]).put("id", parts[1]).put("environmentId", "env-dev");
        }
        return f;
    }
}
