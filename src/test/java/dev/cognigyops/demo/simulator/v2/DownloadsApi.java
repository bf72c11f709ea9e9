package dev.cognigyops.demo.simulator.v2;

import dev.cognigyops.demo.simulator.ArtifactContent;
import dev.cognigyops.demo.simulator.Routes;
import dev.cognigyops.demo.simulator.SimRequest;
import dev.cognigyops.demo.simulator.SimResponse;
import dev.cognigyops.demo.simulator.v2.Tenant.Download;
import java.net.URI;

/**
 * {@code GET /new/v2.0/downloads/{token}}: the target of a {@code downloadLink}. The link is pre-signed
 * (I: it needs no X-API-Key, as the CLI fetches it without one), valid one day; the bytes are generated
 * while they are sent, seeded by the snapshot or package, with an exact Content-Length.
 */
final class DownloadsApi extends TenantApi {

    DownloadsApi(Tenant tenant) {
        super(tenant);
    }

    @Override
    public void registerRoutes(Routes routes) {
        routes.unauthenticated("GET", V2 + "/downloads/{token}", locked(this::download));
    }

    static String link(SimRequest request, String token) {
        URI called = URI.create(request.absoluteUrl());
        return called.getScheme() + "://" + called.getRawAuthority() + V2 + "/downloads/" + token;
    }

    private SimResponse download(SimRequest request) {
        Download download = tenant.downloads.get(request.pathParam("token"));
        if (download == null || !download.stillThere().get()) {
            throw Problem.notFound("Download", request.pathParam("token"));
        }
        if (!tenant.clock.instant().isBefore(download.expiresAt())) {
            throw new Problem(403, Problem.INVALID_ARGUMENT, "The download link has expired");
        }
        return SimResponse.stream("application/octet-stream", download.size(),
                        () -> ArtifactContent.open(download.seed(), download.size()))
                .withHeader("Content-Disposition", "attachment; filename=\"" + download.fileName().replace('"', '_') + "\"");
    }
}
