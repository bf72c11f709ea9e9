package dev.cognigyops;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.auth.TokenProvider;
import dev.cognigyops.nluexport.ArtifactDownload;
import dev.cognigyops.nluexport.NluExport;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.calls.RetryPolicy;
import dev.cognigyops.polling.PollLoop;
import dev.cognigyops.publish.CamelTopicSender;
import dev.cognigyops.publish.OutboxBackoff;
import dev.cognigyops.publish.OutboxLifecycle;
import dev.cognigyops.publish.TopicOutbox;
import dev.cognigyops.runs.Inbox;
import dev.cognigyops.runs.Operation;
import dev.cognigyops.runs.RunDispatch;
import dev.cognigyops.runs.RunLedger;
import dev.cognigyops.runs.RunRequests;
import dev.cognigyops.storage.ArtifactStore;
import dev.cognigyops.support.Secrets;
import dev.cognigyops.support.Settings;
import dev.cognigyops.support.Switches;

/**
 * Builds the application's beans from its settings (docs/contract.md#settings) and binds them under the names the
 * routes use. Nothing here decides anything: it wires.
 */
public class AppConfiguration implements CamelConfiguration {

    /** Most records the outbox sends at once while Kafka works. */
    private static final int OUTBOX_BATCH = 500;
    /** Audit events that may wait for the run store's copy (the file has them all). */
    private static final int AUDIT_EVENTS_WAITING = 10_000;

    @Override
    public void configure(CamelContext context) throws Exception {
        // camel-main finds this class twice (camel.main.configuration-classes, and the package scan a
        // main class turns on): configured twice, the service had two run-store pools and saved every
        // checkpoint twice. The first configuration stands.
        if (context.getRegistry().lookupByName("settings") != null) {
            return;
        }
        // a failure inside an operation is not retried or logged where it happens: calls retry in
        // direct:cognigy-call, and the dispatch turns every failure into the run's result and audit
        // event, logging unexpected ones (INTERNAL_ERROR) with their stack trace
        var quiet = new org.apache.camel.builder.DefaultErrorHandlerBuilder().logExhausted(false).logStackTrace(false);
        quiet.setLevel("DEBUG");
        context.getCamelContextExtension().setErrorHandlerFactory(quiet);
        PropertiesComponent properties = context.getPropertiesComponent();
        properties.addPropertiesFunction(new Switches(properties));
        Settings settings = new Settings(properties);
        Registry registry = context.getRegistry();
        Clock clock = Clock.systemUTC();

        // the API the tenant speaks (docs/contract.md §9): a value the program does not know fails the start
        var profile = dev.cognigyops.cognigyv2.ApiProfile.parse(settings.get(dev.cognigyops.cognigyv2.ApiProfile.SETTING, "seeds"));
        registry.bind("apiProfile", profile);
        String baseUrl = settings.require("cognigy.base-url");
        Duration connectTimeout = settings.requireMillis("cognigy.http.connect-timeout-ms");
        Duration responseTimeout = settings.requireMillis("cognigy.http.response-timeout-ms");
        // token endpoint and artifact downloads: the client never follows a redirect by itself (it would
        // keep the Authorization header across origins); ArtifactDownload follows by RedirectRule
        HttpClient http = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();

        Path results = Path.of(settings.require("cognigy.results.dir"));
        Path auditFile = Path.of(settings.require("cognigy.audit.file"));
        TopicOutbox outbox = topicOutbox(context, settings, results, auditFile);
        AuditLog audit = new AuditLog(auditFile, clock, outbox::queueAuditEvent);
        // the run and call metrics on the registry Camel serves at /observe/metrics (none on the command line)
        var metrics = dev.cognigyops.observe.Observability.metrics(context, settings, List.of(NluExport.NAME,
                dev.cognigyops.botdeploy.BotDeploy.NAME, dev.cognigyops.trainingmonitor.TrainingMonitor.NAME,
                dev.cognigyops.flowdeploy.FlowDeploy.NAME, dev.cognigyops.nlpretrain.NlpRetrain.NAME));
        S3Client s3 = s3Client(settings, metrics);
        var download = new ArtifactDownload(http, responseTimeout);
        var nluExport = new NluExport(settings, download, new ArtifactStore(s3, clock), audit, clock);

        var ledger = new RunLedger(results);
        List<Operation> operations = new ArrayList<>();
        operations.add(nluExport);

        // a request's webhook may only reach what cognigy.webhook.allowed-urls allows (docs/contract.md#hostile-input-and-failing-dependencies)
        var webhookGuard = new dev.cognigyops.webhooks.WebhookGuard(dev.cognigyops.webhooks.WebhookTargets.from(settings),
                settings.get("cognigy.webhook.url", null), java.net.InetAddress::getAllByName);
        registry.bind("webhookGuard", webhookGuard);

        // a dependency webhook must itself answer 2xx: a redirect is reported, not followed
        HttpClient webhookChecks = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        var botDeploy = new dev.cognigyops.botdeploy.BotDeploy(settings,
                new dev.cognigyops.botdeploy.WebhookProbe(webhookChecks, webhookGuard::refusal, clock), audit, clock);
        registry.bind("botDeploy", botDeploy);
        registry.bind("deploymentStatusReads", new dev.cognigyops.botdeploy.DeploymentStatusReads(
                new dev.cognigyops.botdeploy.StatusReadLimiter(Integer.parseInt(settings.require("cognigy.deploy.status-reads-per-window")),
                        Duration.ofMillis(Long.parseLong(settings.require("cognigy.deploy.status-read-window-ms"))),
                        Duration.ofMillis(Long.parseLong(settings.require("cognigy.deploy.status-read-margin-ms"))), clock)));
        operations.add(botDeploy);

        var trainingMonitor = new dev.cognigyops.trainingmonitor.TrainingMonitor(settings, audit, clock);
        registry.bind("trainingMonitor", trainingMonitor);
        operations.add(trainingMonitor);

        var durable = durableRuns(context, settings, clock, profile);
        // one set of locks for both profiles' flow-deploy (on the command line they are this process's)
        var flowDeployLocks = environmentLocks(context, durable, clock);
        var flowDeploy = new dev.cognigyops.flowdeploy.FlowDeploy(settings, new dev.cognigyops.flowdeploy.FlowSchema(),
                new ArtifactStore(s3, clock), audit, flowDeployLocks, clock);
        registry.bind("flowDeploy", flowDeploy);
        registry.bind("flowDeployV2", new dev.cognigyops.flowdeploy.FlowDeployV2(settings, new ArtifactStore(s3, clock), download,
                s3, audit, flowDeployLocks, clock));
        operations.add(flowDeploy);

        var nlpRetrain = new dev.cognigyops.nlpretrain.NlpRetrain(settings, audit, clock);
        registry.bind("nlpRetrain", nlpRetrain);
        registry.bind("nlpRetrainMlflow", new dev.cognigyops.nlpretrain.MlflowRecorder(settings, audit, clock));
        registry.bind("nlpRetrainV2", new dev.cognigyops.nlpretrain.NlpRetrainV2(settings, audit, clock));
        operations.add(nlpRetrain);

        registry.bind("botDeployV2", new dev.cognigyops.botdeploy.BotDeployV2(settings, botDeploy.dependencyWebhooks(), audit, clock));
        registry.bind("nluExportV2", new dev.cognigyops.nluexport.NluExportV2(settings, download, new ArtifactStore(s3, clock), audit, clock));
        registry.bind("trainingMonitorV2", new dev.cognigyops.trainingmonitor.TrainingMonitorV2(settings, audit, clock));
        registry.bind("cognigyListing", new dev.cognigyops.cognigyv2.ListingSteps(settings.requireInt("cognigy.v2.page-size"),
                settings.requireInt("cognigy.v2.max-pages")));

        var requests = new RunRequests(operations, ledger, clock, profile);
        var tokens = new TokenProvider(http,
                URI.create(settings.get("cognigy.auth.token-url", stripSlash(baseUrl) + "/oauth/token")),
                settings.get("cognigy.auth.client-id", ""), settings.get("cognigy.auth.client-secret", ""),
                TokenProvider.ClientAuthentication.valueOf(
                        settings.require("cognigy.auth.client-authentication").toUpperCase(Locale.ROOT)),
                responseTimeout, clock);
        SecureRandom random = new SecureRandom();
        var calls = new OutboundCalls(tokens, requests, new RetryPolicy(random::nextDouble), settings, audit, clock,
                tenantRules(profile, settings)).observedBy(metrics);

        registry.bind("settings", settings);
        registry.bind("callSteps", new dev.cognigyops.calls.CallSteps());
        registry.bind("auditLog", audit);
        context.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                audit.close();
            }
        });
        registry.bind("topicOutbox", outbox);
        registry.bind("webhookOutcome", new dev.cognigyops.webhooks.WebhookOutcome(audit));
        registry.bind("runRequests", requests);
        registry.bind("runDispatch", new RunDispatch(requests, ledger, audit, results, clock,
                settings.requireLong("cognigy.requests.max-bytes"), durable).observedBy(metrics));
        registry.bind("inbox", new Inbox());
        registry.bind("inboxClaims", inboxClaims(context, settings, durable, clock));
        registry.bind("kafkaRequests", new dev.cognigyops.triggers.KafkaRequests(requests,
                settings.requireLong("cognigy.requests.max-bytes")));
        registry.bind("outboundCalls", calls);
        registry.bind("planRetry", (Processor) calls::planRetry);
        registry.bind("reauthorize", (Processor) calls::authorize);
        var admission = new dev.cognigyops.runs.Admission(
                settings.requireLong("cognigy.runs.admission.max-poll-lateness-ms"),
                settings.requireLong("cognigy.runs.admission.max-wait-ms"), clock);
        registry.bind("admission", admission);
        // a cancel asked through the runs API, on any instance, reaches the run at its next call to Cognigy
        var cancels = new dev.cognigyops.store.CancelRequests(durable.store(), durable, audit, clock);
        var cancelDelivery = new dev.cognigyops.store.CancelAtNextCall(cancels);
        context.getCamelContextExtension().addInterceptStrategy(cancelDelivery);
        registry.bind("cancelRequests", cancels);
        registry.bind("cancelVerb", new dev.cognigyops.runs.CancelVerb(cancels));
        registry.bind("pollLoop", new PollLoop(settings, clock, admission)
                .noticingCancels(cancelDelivery::isDue, settings.requireLong("cognigy.runs.cancel-check-ms")));
        registry.bind("nluExport", nluExport);
        registry.bind("s3Client", s3);
        registry.bind("schedules", dev.cognigyops.triggers.Schedules.from(properties));
        // the probes (/observe/health): the store, Kafka and S3 gate readiness; the tenant is reported
        String apiKey = settings.get("cognigy.auth.api-key", "").trim();
        boolean byApiKey = profile == dev.cognigyops.cognigyv2.ApiProfile.COGNIGY_V2 && !apiKey.isEmpty();
        dev.cognigyops.observe.Observability.healthChecks(context, settings,
                registry.lookupByNameAndType("runStoreDataSource", javax.sql.DataSource.class), s3,
                byApiKey ? URI.create(stripSlash(baseUrl) + settings.require("cognigy.v2.api.tasks") + "?limit=1")
                        : URI.create(settings.get("cognigy.auth.token-url", stripSlash(baseUrl) + "/oauth/token")), !byApiKey);
        runsApi(context, registry, settings, audit, operations, clock);
    }

    /**
     * The runs API (routes/platform/runs-api.camel.yaml): its tokens (secrets), its reads of the run store,
     * and every audit event written to the store too, so that any instance shows any run's events.
     */
    private static void runsApi(CamelContext context, Registry registry, Settings settings, AuditLog audit, List<Operation> operations, Clock clock) {
        var dataSource = registry.lookupByNameAndType("runStoreDataSource", javax.sql.DataSource.class);
        // written by a thread of its own, in batches: a run never waits for the store's copy of its audit
        var storedEvents = new dev.cognigyops.store.StoredAuditEvents(dataSource, AUDIT_EVENTS_WAITING, Duration.ofSeconds(1));
        audit.alsoTo(storedEvents);
        // first of the strategies: what waits is written before the run store's pool closes
        context.getLifecycleStrategies().add(0, new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                storedEvents.close();
            }
        });
        var tokens = dev.cognigyops.api.BearerTokens.parse(settings.get("cognigy.runs-api.tokens", ""));
        registry.bind("runsApi", new dev.cognigyops.api.RunsApi(tokens, new dev.cognigyops.store.RunQueries(dataSource),
                operations.stream().map(Operation::name).sorted().toList(), clock));
    }

    /**
     * How calls reach the tenant on this profile (docs/contract.md §9): on cognigy-v2 the API key (a secret,
     * from COGNIGY_AUTH_API_KEY) and the instance's one request budget.
     */
    private static OutboundCalls.TenantRules tenantRules(dev.cognigyops.cognigyv2.ApiProfile profile, Settings settings) {
        String apiKey = settings.get("cognigy.auth.api-key", "").trim();
        Secrets.register(apiKey);
        if (profile != dev.cognigyops.cognigyv2.ApiProfile.COGNIGY_V2) {
            return OutboundCalls.TenantRules.SEEDS;
        }
        // the window is kept with a margin: a request arrives a little after the moment it was given
        var budget = new dev.cognigyops.cognigyv2.RequestBudget(settings.requireInt("cognigy.v2.rate-limit.requests"),
                settings.requireSeconds("cognigy.v2.rate-limit.window-seconds")
                        .plus(settings.requireMillis("cognigy.v2.rate-limit.margin-ms")));
        org.slf4j.LoggerFactory.getLogger(AppConfiguration.class).info("Cognigy API profile cognigy-v2: {}, at most {} "
                + "requests per {} ms", apiKey.isEmpty() ? "OAuth2 client credentials" : "API key (X-API-Key)",
                budget.requests(), budget.window().toMillis());
        return new OutboundCalls.TenantRules(profile, apiKey, budget);
    }

    /**
     * The run store (docs/contract.md#durable-runs), in service mode: opened and migrated before any
     * route starts, so a store that cannot be reached or is newer than this program fails the start.
     * Every step that sets a run's state is checkpointed ({@link dev.cognigyops.store.CheckpointEveryStep}).
     * A run on the command line is written there too (its requestId is refused cluster-wide, and a run
     * whose process died is gone on with by running it again, or by a service once its lease lapsed);
     * its instance is the node's name with {@code /cli}, so that a service of the same node never takes
     * a command-line run that is alive. The command line holds no schedules.
     */
    private static dev.cognigyops.store.DurableRuns durableRuns(CamelContext context, Settings settings, Clock clock,
                                                                dev.cognigyops.cognigyv2.ApiProfile profile) {
        boolean service = Boolean.parseBoolean(settings.get(dev.cognigyops.support.Switches.TRIGGERS, "true"));
        String password = settings.get("cognigy.store.password", "");
        dev.cognigyops.support.Secrets.register(password);
        var config = new dev.cognigyops.store.StoreSetup.Config(settings.get("cognigy.store.url", ""),
                settings.get("cognigy.store.user", ""), password, Path.of(settings.require("cognigy.data.dir")),
                settings.requireInt("cognigy.store.pool-size"), settings.requireMillis("cognigy.store.connect-timeout-ms"));
        var dataSource = dev.cognigyops.store.StoreSetup.open(config);
        var durableHolder = new dev.cognigyops.store.DurableRuns[1];
        context.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                durableHolder[0].sayCheckpointCost();
                dataSource.close();
            }
        });
        String node = settings.get("cognigy.cluster.node-id", hostName()) + (service ? "" : "/cli");
        String incarnation = java.util.UUID.randomUUID().toString().substring(0, 8);
        var durable = new dev.cognigyops.store.DurableRuns(new dev.cognigyops.store.RunStore(dataSource), node, incarnation,
                settings.requireSeconds("cognigy.cluster.lease-seconds"),
                settings.requireSeconds("cognigy.store.reads-checkpoint-seconds"),
                settings.requireMillis("cognigy.store.retry-ms"), clock, profile.label());
        durableHolder[0] = durable;
        context.getCamelContextExtension().addInterceptStrategy(new dev.cognigyops.store.CheckpointEveryStep(durable));
        context.getRegistry().bind("durableRuns", durable);
        if (service) {
            schedulesInTheStore(context, settings, dataSource, durable.owner());
        }
        context.getRegistry().bind("runStoreDataSource", dataSource);
        org.slf4j.LoggerFactory.getLogger(AppConfiguration.class).info("run store: {} (this instance: {})", config.shownUrl(),
                durable.owner());
        return durable;
    }

    /**
     * The schedules, in service mode: Quartz's clustered JDBC job store in the run store's database, on its
     * pool, so that instances sharing the store fire each due time once (docs/contract.md#durable-runs).
     * Quartz is left alone (in memory, unused) when no schedule is configured.
     */
    private static void schedulesInTheStore(CamelContext context, Settings settings, javax.sql.DataSource dataSource,
                                            String instanceId) {
        var schedules = dev.cognigyops.triggers.Schedules.from(context.getPropertiesComponent());
        if (schedules.isEmpty()) {
            return;
        }
        String pool = dev.cognigyops.store.RunStoreConnections.register(dataSource);
        var config = new dev.cognigyops.triggers.ScheduleStore.Config(dev.cognigyops.store.StoreDatabase.of(dataSource), pool,
                instanceId, settings.requireInt("cognigy.runs.concurrency"),
                settings.requireSeconds("cognigy.schedule.misfire-grace-seconds"), settings.requireMillis("cognigy.cluster.heartbeat-ms"));
        var quartz = context.getComponent("quartz", org.apache.camel.component.quartz.QuartzComponent.class);
        quartz.setProperties(dev.cognigyops.triggers.ScheduleStore.quartzProperties(config));
        // one scheduler name on every instance: that is what makes them one cluster
        quartz.setPrefixInstanceName(false);
        quartz.addScheduleInitTask(new dev.cognigyops.triggers.StoredSchedules(schedules));
        context.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStopping(CamelContext stopping) {
                // before the routes stop: a due time this instance took but could no longer run would be lost
                // (camel-quartz fires it into a stopped route); in standby Quartz gives it back to the others
                var scheduler = quartz.getScheduler();
                try {
                    if (scheduler != null && scheduler.isStarted() && !scheduler.isShutdown()) {
                        scheduler.standby();
                    }
                } catch (org.quartz.SchedulerException e) {
                    org.slf4j.LoggerFactory.getLogger(AppConfiguration.class).warn("the schedules could not be handed to "
                            + "the other instances before the stop: {}", e.getMessage());
                }
            }

            @Override
            public void onContextStopped(CamelContext stopped) {
                dev.cognigyops.store.RunStoreConnections.unregister(pool);
            }
        });
    }

    /**
     * flow-deploy's one deployment per environment: in the run store, so that it holds across every
     * instance on it, the command line's runs too (docs/contract.md#flow-deploy).
     */
    private static dev.cognigyops.flowdeploy.EnvironmentLocks environmentLocks(CamelContext context,
            dev.cognigyops.store.DurableRuns durable, Clock clock) {
        if (durable == null) {
            return new dev.cognigyops.flowdeploy.InProcessEnvironmentLocks();
        }
        return new dev.cognigyops.store.StoredEnvironmentLocks(
                context.getRegistry().lookupByNameAndType("runStoreDataSource", javax.sql.DataSource.class), durable.owner(), clock);
    }

    /**
     * The file route's read lock: each dropped file is taken by one instance of those that watch the
     * inbox, through the run store. The command line watches no inbox.
     */
    private static dev.cognigyops.store.InboxClaims inboxClaims(CamelContext context, Settings settings,
            dev.cognigyops.store.DurableRuns durable, Clock clock) {
        if (!Boolean.parseBoolean(settings.get(dev.cognigyops.support.Switches.TRIGGERS, "true"))) {
            return dev.cognigyops.store.InboxClaims.off();
        }
        return new dev.cognigyops.store.InboxClaims(
                context.getRegistry().lookupByNameAndType("runStoreDataSource", javax.sql.DataSource.class), durable.node(),
                durable.owner(), settings.requireSeconds("cognigy.cluster.lease-seconds"), clock);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "cognigy-ops";
        }
    }

    /**
     * Results and audit events reach Kafka through one outbox that never holds a run (docs/contract.md#hostile-input-and-failing-dependencies); it
     * runs with the context when Kafka is on, and takes nothing when it is off.
     */
    private static TopicOutbox topicOutbox(CamelContext context, Settings settings, Path results, Path auditFile) {
        Duration maxBlock = settings.requireMillis("cognigy.kafka.max-block-ms");
        Duration deliveryTimeout = settings.requireMillis("cognigy.kafka.delivery-timeout-ms");
        if (deliveryTimeout.compareTo(maxBlock) < 0) {
            // the producer's request timeout is max-block-ms, and Kafka refuses a delivery timeout below it
            throw new IllegalStateException("cognigy.kafka.delivery-timeout-ms (" + deliveryTimeout.toMillis()
                    + ") must be at least cognigy.kafka.max-block-ms (" + maxBlock.toMillis() + ")");
        }
        var where = new TopicOutbox.Where(settings.get("cognigy.kafka.brokers", ""),
                settings.require("cognigy.kafka.results-topic"),
                settings.require("cognigy.kafka.audit-topic"), results, auditFile);
        var limits = new TopicOutbox.Limits(settings.requireInt("cognigy.kafka.outbox-capacity"),
                OUTBOX_BATCH,
                new OutboxBackoff(settings.requireMillis("cognigy.kafka.retry.first-delay-ms"),
                        settings.requireMillis("cognigy.kafka.retry.max-delay-ms")),
                maxBlock, maxBlock.plus(deliveryTimeout));
        var outbox = new TopicOutbox(new CamelTopicSender(context), where, limits);
        if (outbox.isOn()) {
            context.addLifecycleStrategy(new OutboxLifecycle(outbox));
        }
        return outbox;
    }

    static S3Client s3Client(Settings settings, dev.cognigyops.observe.OpsMetrics metrics) {
        // every S3 call ends within this (docs/contract.md#hostile-input-and-failing-dependencies), from its first byte to its answer: a server-side copy of
        // a large artifact sends nothing until it is done (about 6 s a GiB), and the streamed PUT of an
        // artifact lasts as long as its download
        Duration callTimeout = settings.requireSeconds("cognigy.s3.read-timeout-seconds");
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.require("cognigy.s3.region")))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(callTimeout))
                .forcePathStyle(settings.requireBoolean("cognigy.s3.path-style"))
                // a streamed upload cannot be replayed: a failed transfer is retried whole, by RetryPolicy
                .overrideConfiguration(c -> c.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(callTimeout).apiCallAttemptTimeout(callTimeout)
                        .addExecutionInterceptor(new dev.cognigyops.observe.S3CallMetrics(metrics)))
                // we hash every artifact ourselves; S3-compatible stores may not take the SDK's trailing checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        settings.get("cognigy.s3.endpoint-override").ifPresent(e -> builder.endpointOverride(URI.create(e)));
        // register the secret key so no log line or result can carry it
        System.getenv().entrySet().stream().filter(e -> e.getKey().equals("AWS_SECRET_ACCESS_KEY"))
                .forEach(e -> Secrets.register(e.getValue()));
        Secrets.register(System.getProperty("aws.secretAccessKey"));
        return builder.build();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
