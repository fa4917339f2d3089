package io.visionhub.quality.monitor;

import io.visionhub.api.ApiCaller;
import io.visionhub.api.ApiError;
import io.visionhub.api.ApiErrorHandling;
import io.visionhub.api.ApiException;
import io.visionhub.api.ApiParams;
import io.visionhub.api.ApiRestConfiguration;
import io.visionhub.api.ApiRoles;
import io.visionhub.ledger.LedgerException;
import io.visionhub.quality.StepNotRecordedException;
import io.visionhub.quality.StepPendingException;
import io.visionhub.quality.alarm.AlarmService;
import io.visionhub.quality.alarm.QualityAlarm;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;

/**
 * The SPC charts and quality alarms over REST: {@code GET /api/quality/spc}, {@code GET /api/quality/alarms},
 * {@code GET /api/quality/alarms/{id}} and {@code POST /api/quality/alarms/{id}/acknowledge}.
 */
public class SpcRestRoutes extends RouteBuilder {

    /** Reading charts and alarms: everyone on the line (operators see the alarms on their screen too). */
    public static final List<String> READ = ApiRoles.ALL;
    /** Acknowledging (clearing) an alarm: a quality decision. */
    public static final List<String> ACKNOWLEDGE = List.of(ApiRoles.QUALITY, ApiRoles.ADMIN);

    private static final List<String> CHARTS = List.of("p", "np", "u");
    private static final int MAX_HISTORY = 10_000;

    /** Body of an acknowledgement: an optional comment recorded with it. */
    public record AcknowledgeRequest(String comment) {}

    private final SpcMonitor monitor;
    private final AlarmService alarms;

    public SpcRestRoutes(SpcMonitor monitor, AlarmService alarms) {
        this.monitor = monitor;
        this.alarms = alarms;
    }

    @Override
    public void configure() {
        ApiErrorHandling.install(this);
        String read = "Roles: " + String.join(", ", READ) + ".";
        ApiRestConfiguration.securedRest(this, "/quality")
                .description("SPC charts and quality alarms")
                .get("/spc")
                .id("api-quality-spc")
                .outType(ChartView[].class)
                .description("Control charts of the vision results: per station the p (or np) chart of the NG rate "
                        + "and a u chart of defects per part for each defect class, with centre line, limits per "
                        + "point and the Nelson rules that fired. " + read)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param(ApiRestConfiguration.optionalQuery("line", "only this line"))
                .param(ApiRestConfiguration.optionalQuery(
                        "station", "only this station (404 when the hub has no chart of it)"))
                .param(ApiRestConfiguration.optionalQuery("chart", "p, np or u"))
                .param(ApiRestConfiguration.optionalQuery("defectClass", "only the u chart of this defect class"))
                .responseMessage(ApiRestConfiguration.apiError(400, "a bad parameter, named in field (ApiError)"))
                .to("direct:api-quality-spc")
                .get("/alarms")
                .id("api-quality-alarms")
                .outType(QualityAlarm[].class)
                .description("Active quality alarms, newest first; with from (and to, default now): the alarms "
                        + "raised in [from, to), active or cleared, oldest first, with who cleared them. " + read)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param(ApiRestConfiguration.optionalQuery("line", "only this line"))
                .param(ApiRestConfiguration.optionalQuery("from", "history from this time, ISO-8601 UTC"))
                .param(ApiRestConfiguration.optionalQuery(
                        "to", "history up to this time (exclusive), ISO-8601 UTC; default now"))
                .param()
                .name("limit")
                .type(RestParamType.query)
                .dataType("integer")
                .defaultValue("1000")
                .required(false)
                .description("most alarms of the history (1-10000)")
                .endParam()
                .responseMessage(ApiRestConfiguration.apiError(400, "a bad parameter, named in field (ApiError)"))
                .to("direct:api-quality-alarms")
                .get("/alarms/{id}")
                .id("api-quality-alarm-get")
                .outType(QualityAlarm.class)
                .description("One quality alarm, as the list gives it, active or cleared: cleared is set once its "
                        + "clear is committed (the Location of a 202 clear_pending acknowledgement). An alarm "
                        + "whose raise the ledger does not hold yet is not found. " + read)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("id")
                .type(RestParamType.path)
                .description("alarm id (UUID)")
                .endParam()
                .responseMessage()
                .code(200)
                .message("the alarm")
                .endResponseMessage()
                .responseMessage(ApiRestConfiguration.apiError(400, "the id is not a UUID, field id (ApiError)"))
                .responseMessage(ApiRestConfiguration.apiError(404, "no alarm with this id (ApiError)"))
                .to("direct:api-quality-alarm-get")
                .post("/alarms/{id}/acknowledge")
                .id("api-quality-alarm-acknowledge")
                .type(AcknowledgeRequest.class)
                .outType(QualityAlarm.class)
                .description("Acknowledge an active alarm: it clears, and the ledger records who acknowledged it "
                        + "and the comment (a QUALITY_ALARM record); published like a clear. A person's decision: "
                        + "logged in with HTTP Basic (API keys get 403 person_required). 200: cleared (the alarm). "
                        + "202 clear_pending: the clear was not committed within visionhub.ledger.append-timeout "
                        + "and may still commit or be refused; GET the alarm (Location) to see its clearing time "
                        + "once it is committed (GET /api/quality/alarms lists it as active until then). 503 with "
                        + "Retry-After: nothing recorded, try again "
                        + "(previous_step_pending, recorder_busy, ledger_unavailable). The answer comes within "
                        + "twice the append timeout and 5 s. Roles: "
                        + String.join(", ", ACKNOWLEDGE) + ".")
                .security(ApiRestConfiguration.BASIC_AUTH)
                .param()
                .name("id")
                .type(RestParamType.path)
                .description("alarm id (UUID)")
                .endParam()
                .responseMessage()
                .code(200)
                .message("cleared: the alarm with its clearing time")
                .endResponseMessage()
                .responseMessage()
                .code(202)
                .message("clear_pending: the clear's ledger record may still commit, or be refused; "
                        + "GET /api/quality/alarms/{id} shows cleared once it is committed (ApiError)")
                .responseModel(ApiError.class)
                .header("Location")
                .description("the alarm, /api/quality/alarms/{id}")
                .endHeader()
                .endResponseMessage()
                .responseMessage(ApiRestConfiguration.apiError(
                        400,
                        "the id is not a UUID, field id; or a bad body, e.g. comment over 1000 characters "
                                + "(ApiError)"))
                .responseMessage(ApiRestConfiguration.apiError(404, "no alarm with this id (ApiError)"))
                .responseMessage(ApiRestConfiguration.apiError(409, "the alarm is already cleared (ApiError)"))
                .responseMessage()
                .code(503)
                .message("nothing recorded, try again after Retry-After: previous_step_pending (the alarm's raise "
                        + "or an earlier clear is not yet committed nor refused), recorder_busy, ledger_unavailable "
                        + "(ApiError)")
                .responseModel(ApiError.class)
                .header("Retry-After")
                .description("seconds (the ledger's append timeout)")
                .endHeader()
                .endResponseMessage()
                .to("direct:api-quality-alarm-acknowledge");

        from("direct:api-quality-spc").routeId("rest-quality-spc").process(e -> {
            String line = ApiParams.optionalName(e, "line");
            String station = ApiParams.optionalName(e, "station");
            String chart = ApiParams.oneOf(e, "chart", CHARTS);
            String defectClass = ApiParams.optionalName(e, "defectClass");
            if (defectClass != null && chart != null && !chart.equals("u")) {
                throw ApiException.badRequest(
                        "defectClass", "defectClass selects a u chart; chart=" + chart + " has no defect class");
            }
            if (station != null && !monitor.knows(station)) {
                throw new ApiException(
                        404,
                        "unknown_station",
                        "the hub has no SPC chart of station " + station + " (no inspection of it in "
                                + "visionhub.quality.spc.rebuild-window or since start)",
                        "station");
            }
            e.getMessage().setBody(monitor.charts(line, station, chart, defectClass));
        });
        from("direct:api-quality-alarms").routeId("rest-quality-alarms").process(e -> {
            String line = ApiParams.optionalName(e, "line");
            Instant from = ApiParams.instant(e, "from");
            Instant to = ApiParams.instant(e, "to");
            int limit = ApiParams.integer(e, "limit", 1000, 1, MAX_HISTORY);
            if (from == null && to != null) {
                throw ApiException.badRequest("from", "from is required with to (the history of [from, to))");
            }
            if (from == null) {
                List<QualityAlarm> active = line == null ? alarms.active() : alarms.active(line);
                e.getMessage().setBody(active);
                return;
            }
            Instant end = to == null ? Instant.now() : to;
            if (!end.isAfter(from)) {
                throw ApiException.badRequest("to", "to must be after from (got from " + from + ", to " + end + ")");
            }
            if (Duration.between(from, end).toDays() > 366) {
                throw ApiException.badRequest("from", "the history spans at most 366 days");
            }
            e.getMessage().setBody(alarms.history(line, from, end, limit));
        });
        from("direct:api-quality-alarm-get").routeId("rest-quality-alarm-get").process(e -> {
            String id = ApiParams.requiredUuid(e, "id"); // alarm ids are UUIDs: anything else is a 400, not a 404
            e.getMessage()
                    .setBody(alarms.find(id)
                            .orElseThrow(() -> new ApiException(404, "unknown_alarm", "no quality alarm " + id, "id")));
        });
        from("direct:api-quality-alarm-acknowledge")
                .routeId("rest-quality-alarm-acknowledge")
                .process(e -> {
                    String user = ApiCaller.require(
                            e, ACKNOWLEDGE, "acknowledging a quality alarm needs the role QUALITY or ADMIN");
                    if (user.startsWith("api-key:")) {
                        throw new ApiException(
                                403,
                                "person_required",
                                "acknowledging a quality alarm is a person's decision: log in (HTTP Basic) as a "
                                        + "user with role QUALITY or ADMIN; API keys cannot acknowledge",
                                null);
                    }
                    String id = ApiParams.requiredUuid(e, "id"); // as GET alarms/{id}: not a UUID is a 400
                    AcknowledgeRequest req = e.getMessage().getBody(AcknowledgeRequest.class);
                    String comment = req == null ? null : req.comment();
                    if (comment != null && comment.length() > 1000) {
                        throw ApiException.badRequest("comment", "comment must be at most 1000 characters");
                    }
                    try {
                        e.getMessage().setBody(alarms.acknowledge(id, user, comment));
                    } catch (StepPendingException ex) {
                        e.getMessage().setHeader("Location", "/api/quality/alarms/" + ex.id());
                        ApiErrorHandling.writeError(e, new ApiError("clear_pending", ex.getMessage(), null), 202);
                    } catch (StepNotRecordedException ex) {
                        e.getMessage()
                                .setHeader(
                                        "Retry-After",
                                        Math.max(1, ex.retryAfter().toSeconds()));
                        ApiErrorHandling.writeError(e, new ApiError(ex.code(), ex.getMessage(), null), 503);
                    } catch (LedgerException ex) {
                        // the clear was refused before it was recorded (read-only, stopped, halted, commit failed)
                        e.getMessage()
                                .setHeader(
                                        "Retry-After",
                                        Math.max(1, alarms.retryAfter().toSeconds()));
                        ApiErrorHandling.writeError(
                                e,
                                new ApiError(
                                        "ledger_unavailable",
                                        "quality alarm " + id + " not cleared: " + ex.getMessage(),
                                        null),
                                503);
                    } catch (NoSuchElementException ex) {
                        throw new ApiException(404, "unknown_alarm", ex.getMessage(), "id");
                    } catch (IllegalStateException ex) {
                        if (ex.getMessage().contains("already cleared")) {
                            throw ApiException.conflict("alarm_cleared", ex.getMessage(), "id");
                        }
                        throw ex;
                    }
                });
    }
}
