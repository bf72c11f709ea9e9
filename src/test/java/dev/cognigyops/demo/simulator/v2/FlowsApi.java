package dev.cognigyops.demo.simulator.v2;

import dev.cognigyops.demo.simulator.Routes;
import dev.cognigyops.demo.simulator.SimRequest;
import dev.cognigyops.demo.simulator.SimResponse;
import dev.cognigyops.demo.simulator.v2.Tenant.Flow;
import dev.cognigyops.demo.simulator.v2.Tenant.Project;
import dev.cognigyops.demo.simulator.v2.Tenant.TrainingResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flows, their charts and intent training:
 *
 * <pre>
 * GET  /new/v2.0/flows?projectId&limit&skip[&includeFeedbackReport=true]
 *      → {items[{_id, referenceId, name, isTrainingOutOfDate[, feedbackReport]}], total, nextCursor, previousCursor}
 * GET  /new/v2.0/flows/{flowId}/chart   → {_id, nodes[{_id, type, label, config}], relations[{_id, node, children[], next}]};
 *      a dependency is a node of type executeFlow or goTo with config.flowNode.flow = the other flow's referenceId
 * POST /new/v2.0/flows/{flowId}/intents/train {localeId, mode full|quick} → task trainIntents; when done the flow's
 *      feedbackReport is {findings, info: {fScore}} from the configured training result
 * </pre>
 *
 * <p>{@code projectId} is required on the list (1000). {@code feedbackReport} is null until a flow was trained.
 */
final class FlowsApi extends TenantApi {

    static final String TRAIN = "trainIntents";

    FlowsApi(Tenant tenant) {
        super(tenant);
    }

    @Override
    public void registerRoutes(Routes routes) {
        routes.get(V2 + "/flows", locked(this::list))
                .get(V2 + "/flows/{flowId}/chart", locked(this::chart))
                .post(V2 + "/flows/{flowId}/intents/train", locked(this::train));
    }

    private SimResponse list(SimRequest request) {
        Project project = tenant.project(requiredQuery(request, "projectId"));
        boolean withReport = "true".equalsIgnoreCase(request.queryParam("includeFeedbackReport"));
        List<Map<String, Object>> views = project.flows.values().stream().map(f -> f.listView(withReport)).toList();
        return ok(Paging.page(request, views));
    }

    private SimResponse chart(SimRequest request) {
        return ok(tenant.flow(request.pathParam("flowId")).chart());
    }

    private SimResponse train(SimRequest request) {
        Flow flow = tenant.flow(request.pathParam("flowId"));
        Project project = tenant.projectOfFlow(flow.id);
        Map<String, Object> body = json(request);
        String localeId = requiredString(body, "localeId");
        if (!project.localeIds.contains(localeId)) {
            throw Problem.invalid("localeId " + localeId + " is not a locale of project " + project.id);
        }
        String mode = optionalString(body, "mode");
        if (mode == null) {
            mode = "full";
        } else if (!mode.equals("full") && !mode.equals("quick")) {
            throw Problem.invalid("mode must be full or quick, was " + mode);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("flowId", flow.id);
        data.put("localeId", localeId);
        data.put("mode", mode);
        Task task = tenant.startTask(TRAIN, project.id, data, () -> {
            TrainingResult result = tenant.trainingResults.getOrDefault(flow.id,
                    tenant.trainingResults.getOrDefault(flow.referenceId,
                            new TrainingResult(tenant.defaultFScore, tenant.defaultFindings)));
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("fScore", result.fScore());
            info.put("localeId", localeId);
            info.put("lastTrainedAt", Tenant.time(tenant.clock.instant()));
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("findings", result.findings());
            report.put("info", info);
            flow.feedbackReport = report;
            flow.trainingOutOfDate = false;
            return null;
        });
        return accepted(task);
    }
}
