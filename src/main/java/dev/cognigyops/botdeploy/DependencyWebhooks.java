package dev.cognigyops.botdeploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.support.Settings;

/**
 * bot-deploy's dependency-webhook check, on either profile: every URL asked {@code HEAD} at once
 * ({@link WebhookProbe}, not a Cognigy call), each answer audited {@code WEBHOOK_CHECKED}, within
 * {@code cognigy.deploy.webhook-check-timeout-ms}.
 */
public final class DependencyWebhooks {

    private final Settings settings;
    private final WebhookProbe probe;
    private final AuditLog audit;

    public DependencyWebhooks(Settings settings, WebhookProbe probe, AuditLog audit) {
        this.settings = settings;
        this.probe = probe;
        this.audit = audit;
    }

    /**
     * Every webhook must answer 2xx: otherwise the run fails DEPENDENCY_MISSING naming each one that did
     * not, and saying what was therefore not done (e.g. "nothing was deployed").
     */
    public void requireAll(List<String> urls, RunContext context, String notDone) {
        List<String> unreachable = unreachable(urls, context);
        if (!unreachable.isEmpty()) {
            throw new dev.cognigyops.runs.RunFailure(dev.cognigyops.runs.ErrorCode.DEPENDENCY_MISSING, unreachable.size()
                    + " of " + urls.size() + " dependency webhook(s) did not answer HEAD with 2xx: "
                    + String.join("; ", unreachable) + "; " + notDone);
        }
    }

    /** The webhooks that did not answer 2xx, each as a person reads it ({@code url (why)}); empty when all did. */
    public List<String> unreachable(List<String> urls, RunContext context) {
        List<String> unreachable = new ArrayList<>();
        if (urls.isEmpty()) {
            return unreachable;
        }
        Duration timeout = Duration.ofMillis(Long.parseLong(settings.require("cognigy.deploy.webhook-check-timeout-ms")));
        for (WebhookProbe.Check check : probe.check(urls, timeout)) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("request", "HEAD " + WebhookProbe.shown(check.url()));
            details.put("httpStatus", check.status());
            details.put("latency_ms", check.latencyMs());
            if (!check.reachable()) {
                details.put("error", check.problem());
                unreachable.add(WebhookProbe.shown(check.url()) + " (" + check.problem() + ")");
            }
            audit.record(context, "WEBHOOK_CHECKED", check.reachable() ? "SUCCESS" : "FAILURE",
                    "webhook:" + WebhookProbe.shown(check.url()), details);
        }
        return unreachable;
    }
}
