package dev.cognigyops.botdeploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.ErrorCode;

/** One bot-deploy run's progress, kept as the exchange property {@value #PROPERTY}. */
final class DeployRun {

    static final String PROPERTY = "botDeployRun";

    final String botId;
    final String targetEnvironmentId;
    final String nluModelId;
    final String primaryEnvironmentId;
    final String secondaryEnvironmentId;
    final List<FlowReferences.Ref> flows;
    final List<String> flowIds;
    final List<String> webhookUrls;
    final List<String> syncRegions;
    final Instant startedAt;

    final Map<String, Set<String>> listedVersions = new LinkedHashMap<>();
    Instant validatedAt;
    String deploymentId;
    String location;
    Long estimatedCompletionSeconds;
    String lastStatus;
    DeploymentState outcome = DeploymentState.IN_PROGRESS;
    ErrorCode failureCode;
    String failureMessage;
    boolean rollbackTriggered;
    String rollbackError;
    JsonNode routingSent;
    JsonNode routing;
    final Map<String, String> syncJobIds = new LinkedHashMap<>();
    final Map<String, String> syncFailures = new LinkedHashMap<>();
    final List<String> unreachableWebhooks = new ArrayList<>();

    DeployRun(String botId, String targetEnvironmentId, String nluModelId, String primaryEnvironmentId,
              String secondaryEnvironmentId, List<FlowReferences.Ref> flows, List<String> webhookUrls,
              List<String> syncRegions, Instant startedAt) {
        this.botId = botId;
        this.targetEnvironmentId = targetEnvironmentId;
        this.nluModelId = nluModelId;
        this.primaryEnvironmentId = primaryEnvironmentId;
        this.secondaryEnvironmentId = secondaryEnvironmentId;
        this.flows = List.copyOf(flows);
        this.flowIds = FlowReferences.flowIds(flows);
        this.webhookUrls = List.copyOf(webhookUrls);
        this.syncRegions = List.copyOf(syncRegions);
        this.startedAt = startedAt;
    }

    /** The audit resource: {@code bot:<botId>:<environment>}, with the deployment once there is one. */
    String resource() {
        return "bot:" + botId + ":" + targetEnvironmentId + (deploymentId == null ? "" : ":" + deploymentId);
    }

    void failed(ErrorCode code, String message) {
        outcome = DeploymentState.FAILED;
        failureCode = code;
        failureMessage = message;
    }
}
