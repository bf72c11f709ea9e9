package dev.cognigyops.flowdeploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.storage.StoredObject;

/** One flow-deploy run's progress, kept as the exchange property {@value #PROPERTY}. */
final class DeployState {

    static final String PROPERTY = "flowDeployState";

    final String environment;
    final List<String> flowIds;
    final boolean dryRun;
    final Instant startedAt;

    /** the listing being read by the paging loop, or null when there is nothing to read */
    Pager pager;
    Pager flowPages;
    Pager intentPages;
    Pager entityPages;

    Set<String> exportedIds = Set.of();
    final Map<String, JsonNode> flows = new LinkedHashMap<>();
    DependencyResolver.Resolution resolution;

    /** the flows whose status in the target is being read, and how far */
    List<String> statusQueue = List.of();
    int statusIndex;
    final Map<String, String> previousVersions = new HashMap<>();

    FlowManifest manifest;
    String manifestKey;
    StoredObject manifestStored;

    int pushIndex;
    final List<String> pushed = new ArrayList<>();
    final List<String> deployed = new ArrayList<>();

    String failedFlow;
    ErrorCode failureCode;
    String failureMessage;
    /** the failed flow's import ended without a refusal (5xx, timeout): it may have been applied */
    boolean uncertainImport;
    List<String> rollbackQueue = List.of();
    int rollbackIndex;
    String rollingBack;
    final List<String> rolledBack = new ArrayList<>();
    final List<String> notRestorable = new ArrayList<>();
    final List<String> rollbackFailed = new ArrayList<>();
    String finalStoreError;

    DeployState(String environment, List<String> flowIds, boolean dryRun, Instant startedAt) {
        this.environment = environment;
        this.flowIds = flowIds;
        this.dryRun = dryRun;
        this.startedAt = startedAt;
    }

    String order(int index) {
        return resolution.order().get(index);
    }

    String pushing() {
        return order(pushIndex);
    }

    String resource(String flowId) {
        return "flow:" + flowId + "@" + environment;
    }
}
