package dev.cognigyops.botdeploy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cognigyops.support.Json;

/**
 * The blue-green switch after a successful deployment: all traffic to the environment just
 * deployed, none to the other; failover on (docs/contract.md#calls-out, {@code PUT /v1/environments/routing}).
 * Unlike seed 001, the weights follow the target whichever of the two it is.
 */
public final class TrafficSwitch {

    private TrafficSwitch() {
    }

    public static ObjectNode toTarget(String primaryEnvironmentId, String secondaryEnvironmentId, String targetEnvironmentId) {
        if (!targetEnvironmentId.equals(primaryEnvironmentId) && !targetEnvironmentId.equals(secondaryEnvironmentId)) {
            throw new IllegalArgumentException("target " + targetEnvironmentId + " is neither the primary nor the secondary");
        }
        ObjectNode body = Json.object();
        ArrayNode environments = body.putArray("environments");
        for (String env : new String[] {primaryEnvironmentId, secondaryEnvironmentId}) {
            environments.addObject().put("environmentId", env).put("trafficWeight", env.equals(targetEnvironmentId) ? 100 : 0);
        }
        body.put("strategy", "blue_green");
        body.put("failoverEnabled", true);
        return body;
    }
}
