package dev.cognigyops.demo.simulator.v2;

import dev.cognigyops.demo.simulator.Routes;
import dev.cognigyops.demo.simulator.SimRequest;
import dev.cognigyops.demo.simulator.SimResponse;
import dev.cognigyops.demo.simulator.v2.Tenant.Endpoint;
import dev.cognigyops.demo.simulator.v2.Tenant.Flow;
import dev.cognigyops.demo.simulator.v2.Tenant.Project;
import dev.cognigyops.demo.simulator.v2.Tenant.Snapshot;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Endpoints:
 *
 * <pre>
 * GET   /new/v2.0/endpoints/{endpointId}   → {_id, referenceId, name, channel, entrypoint, flowId, localeId, ...}
 * GET   /new/v2.0/endpoints?projectId&limit&skip
 * PATCH /new/v2.0/endpoints/{endpointId} {entrypoint?, flowId?, localeId?, name?} → 204 (I)
 * </pre>
 *
 * <p>A PATCH is validated against the endpoint as it would be after it: the entrypoint must be a known snapshot
 * or project, the flowId a referenceId among that snapshot's or project's flows, the localeId one of its
 * locales; otherwise 400 code 1005 and nothing changes. Hooks: the next PATCH may answer 500 (1008) after
 * applying, or answer 204 without taking effect.
 */
final class EndpointsApi extends TenantApi {

    boolean failNextPatchAfterApplying;
    boolean ignoreNextPatch;
    int patches;

    EndpointsApi(Tenant tenant) {
        super(tenant);
    }

    @Override
    public void registerRoutes(Routes routes) {
        routes.get(V2 + "/endpoints/{endpointId}", locked(this::get))
                .get(V2 + "/endpoints", locked(this::list))
                .patch(V2 + "/endpoints/{endpointId}", locked(this::patch));
    }

    Endpoint endpoint(String endpointId) {
        Endpoint endpoint = tenant.endpoints.get(endpointId);
        if (endpoint == null) {
            throw Problem.notFound("Endpoint", endpointId);
        }
        return endpoint;
    }

    private SimResponse get(SimRequest request) {
        return ok(endpoint(request.pathParam("endpointId")).view());
    }

    private SimResponse list(SimRequest request) {
        String projectId = request.queryParam("projectId");
        List<Map<String, Object>> views = tenant.endpoints.values().stream()
                .filter(e -> projectId == null || projectId.equals(e.projectId))
                .map(Endpoint::view).toList();
        return ok(Paging.page(request, views));
    }

    private SimResponse patch(SimRequest request) {
        Endpoint endpoint = endpoint(request.pathParam("endpointId"));
        Map<String, Object> body = json(request);
        String entrypoint = optionalString(body, "entrypoint");
        String flowId = optionalString(body, "flowId");
        String localeId = optionalString(body, "localeId");
        String name = optionalString(body, "name");
        if (entrypoint == null && flowId == null && localeId == null && name == null) {
            throw Problem.missing("entrypoint, flowId, localeId or name");
        }
        String newEntrypoint = entrypoint != null ? entrypoint : endpoint.entrypoint;
        String newFlowId = flowId != null ? flowId : endpoint.flowId;
        String newLocaleId = localeId != null ? localeId : endpoint.localeId;
        validate(newEntrypoint, newFlowId, newLocaleId);
        patches++;
        if (ignoreNextPatch) {
            ignoreNextPatch = false;
            return noContent();
        }
        endpoint.entrypoint = newEntrypoint;
        endpoint.flowId = newFlowId;
        endpoint.localeId = newLocaleId;
        if (name != null) {
            endpoint.name = name;
        }
        endpoint.lastChanged = tenant.clock.instant();
        if (failNextPatchAfterApplying) {
            failNextPatchAfterApplying = false;
            throw new Problem(500, Problem.INTERNAL, "Internal error while updating endpoint " + endpoint.id);
        }
        return noContent();
    }

    /** The entrypoint a snapshot or a project, the flow one of its flows, the locale one of its locales. */
    void validate(String entrypoint, String flowId, String localeId) {
        Collection<Flow> flows;
        List<String> locales;
        Snapshot snapshot = entrypoint == null ? null : tenant.snapshots.get(entrypoint);
        Project project = entrypoint == null ? null : tenant.projects.get(entrypoint);
        if (snapshot != null) {
            flows = snapshot.flows;
            locales = snapshot.localeIds;
        } else if (project != null) {
            flows = project.flows.values();
            locales = project.localeIds;
        } else {
            throw Problem.invalid("entrypoint " + entrypoint + " is neither a snapshot nor a project");
        }
        if (flowId == null || flows.stream().noneMatch(f -> f.referenceId.equals(flowId))) {
            throw Problem.invalid("flowId " + flowId + " is not the referenceId of a flow in " + entrypoint);
        }
        if (localeId != null && !locales.contains(localeId)) {
            throw Problem.invalid("localeId " + localeId + " is not a locale of " + entrypoint);
        }
    }
}
