package dev.cognigyops.cognigyv2;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.cognigyops.support.InvalidSetting;

/**
 * Which Cognigy API the instance speaks (setting {@code cognigy.api.profile}, docs/contract.md §9):
 * {@code seeds}, the idealised API the seeds describe, or {@code cognigy-v2}, the real Cognigy.AI REST
 * API v2.0 under {@code {cognigy.base-url}/new/v2.0/}. The profile decides which route runs an
 * operation: {@code direct:<operation>} on seeds, {@code direct:<operation>-v2} on cognigy-v2.
 */
public enum ApiProfile {

    SEEDS("seeds"),
    COGNIGY_V2("cognigy-v2");

    public static final String SETTING = "cognigy.api.profile";

    private final String label;

    ApiProfile(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The setting's value; anything else fails the start with one line naming the setting and the choices. */
    public static ApiProfile parse(String value) {
        String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (ApiProfile p : values()) {
            if (p.label.equals(wanted)) {
                return p;
            }
        }
        throw new InvalidSetting(SETTING + " is '" + (value == null ? "" : value.trim()) + "'; it must be one of: "
                + Arrays.stream(values()).map(ApiProfile::label).collect(Collectors.joining(", ")));
    }

    /** The route that runs {@code operation} on this profile (the dispatch's {@code toD}). */
    public String route(String operation) {
        return this == SEEDS ? "direct:" + operation : "direct:" + operation + "-v2";
    }

    /**
     * Step of the dispatch (bean {@code apiProfile}), for a run claimed from the run store: one started on
     * the other profile ends here, FAILED PRECONDITION_FAILED, before its operation's route makes any call
     * ({@link ResumeAcrossProfiles}).
     */
    public void goOnWith(@org.apache.camel.ExchangeProperty(dev.cognigyops.runs.RunDispatch.RESUMED)
                         dev.cognigyops.store.RunStore.Claimed claimed) {
        if (claimed == null) {
            return;
        }
        ResumeAcrossProfiles.refusal(claimed.lease().runId(), claimed.apiProfile(), claimed.phase(), this)
                .ifPresent(why -> {
                    throw new dev.cognigyops.runs.RunFailure(dev.cognigyops.runs.ErrorCode.PRECONDITION_FAILED, why);
                });
    }

    /** For the dispatch's {@code toD} (bean {@code apiProfile}): the route of the run's operation. */
    public String routeOf(@org.apache.camel.ExchangeProperty(dev.cognigyops.runs.RunContext.PROPERTY) dev.cognigyops.runs.RunContext run) {
        return route(run.operation());
    }
}
