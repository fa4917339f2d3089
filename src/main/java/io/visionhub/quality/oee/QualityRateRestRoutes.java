package io.visionhub.quality.oee;

import io.visionhub.api.ApiAccess;
import io.visionhub.api.ApiError;
import io.visionhub.api.ApiErrorHandling;
import io.visionhub.api.ApiException;
import io.visionhub.api.ApiParams;
import io.visionhub.api.ApiRestConfiguration;
import java.time.Clock;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;

/**
 * {@code GET /api/quality/rate?line=&station=}: the OEE quality rate of a line (or one station) for its current order
 * and shift, from memory; with {@code order=} (and optionally {@code shift=}) the rate of that order on the line,
 * computed from the database.
 */
public class QualityRateRestRoutes extends RouteBuilder {

    /** Every API role: the line screen (OPERATOR) shows it, systems read it. */
    public static final List<String> ROLES = ApiAccess.READ_RESULTS;

    private final QualityRateService rates;
    private final Clock clock;

    public QualityRateRestRoutes(QualityRateService rates, Clock clock) {
        this.rates = rates;
        this.clock = clock;
    }

    @Override
    public void configure() {
        ApiErrorHandling.install(this);
        ApiRestConfiguration.securedRest(this, "/quality")
                .description("Quality of the lines as they run")
                .get("/rate")
                .id("api-quality-rate")
                .outType(QualityRateDocument.class)
                .description("OEE quality rate (good / total after dispositions: ACCEPT and USE_AS_IS count good, "
                        + "REWORK and REJECT do not, UNCERTAIN awaiting a decision counts not good) of a line or "
                        + "station for its current production order and shift; with order (and shift) for that "
                        + "order on the line, from the ledger. " + ApiAccess.describe(ROLES))
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("line")
                .type(RestParamType.query)
                .required(true)
                .description("production line")
                .endParam()
                .param()
                .name("station")
                .type(RestParamType.query)
                .required(false)
                .description("station; without it, the whole line (its stations' parts together)")
                .endParam()
                .param()
                .name("order")
                .type(RestParamType.query)
                .required(false)
                .description("production order: its rate on the line from the ledger instead of the current one")
                .endParam()
                .param()
                .name("shift")
                .type(RestParamType.query)
                .required(false)
                .description("with order: only this shift of it ('-' for inspections recorded without a shift)")
                .endParam()
                .responseMessage()
                .code(200)
                .message("the rate; qualityRate is null when no part was inspected")
                .endResponseMessage()
                .responseMessage()
                .code(400)
                .message("a parameter is missing or malformed, or shift without order (ApiError naming it)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(404)
                .message("unknown line, or no inspection under that order and shift (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .to("direct:api-quality-rate");

        from("direct:api-quality-rate").routeId("rest-quality-rate").process(this::answer);
    }

    private void answer(Exchange ex) {
        String line = ApiParams.requiredName(ex, "line");
        String station = ApiParams.optionalName(ex, "station");
        String order = ApiParams.optionalName(ex, "order");
        String rawShift = ex.getMessage().getHeader("shift", String.class);
        boolean shiftGiven = rawShift != null;
        String shift = "-".equals(rawShift) ? null : ApiParams.optionalName(ex, "shift");
        if (shiftGiven && shift == null && !"-".equals(rawShift)) {
            throw ApiException.badRequest("shift", "shift is empty: name a shift, or '-' for none");
        }
        if (order == null) {
            if (shiftGiven) {
                throw ApiException.badRequest(
                        "shift", "shift needs order: a shift name alone does not say which day or order it was");
            }
            if (!rates.knowsLine(line)) {
                throw ApiException.notFound(
                        "unknown_line", "line " + line + " has no production context and no counted inspection");
            }
            ex.getMessage().setBody(QualityRateDocument.of(rates.current(line, station), clock.instant()));
            return;
        }
        QualityRates.QualityRateView v =
                shiftGiven ? rates.computed(line, station, order, shift) : rates.computedOrder(line, station, order);
        if (v.rate().total() == 0) {
            throw ApiException.notFound(
                    "no_inspections",
                    "no inspection on line " + line + (station == null ? "" : " station " + station) + " under order "
                            + order + (shiftGiven ? " in shift " + (shift == null ? "(none)" : shift) : ""));
        }
        ex.getMessage().setBody(QualityRateDocument.of(v, clock.instant()));
    }
}
