package io.visionhub.quality.report;

import io.visionhub.api.ApiAccess;
import io.visionhub.api.ApiCaller;
import io.visionhub.api.ApiError;
import io.visionhub.api.ApiErrorHandling;
import io.visionhub.api.ApiException;
import io.visionhub.api.ApiParams;
import io.visionhub.api.ApiRestConfiguration;
import io.visionhub.api.ApiRoles;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.camel.model.rest.RestParamType;

/** {@code GET /api/quality/shift-report?line=&shift=&date=}: the shift report of a line as a PDF. */
public class ShiftReportRestRoutes extends RouteBuilder {

    public static final List<String> ROLES =
            List.of(ApiRoles.OPERATOR, ApiRoles.QUALITY, ApiRoles.AUDITOR, ApiRoles.ADMIN);

    private final ShiftReportService reports;

    public ShiftReportRestRoutes(ShiftReportService reports) {
        this.reports = reports;
    }

    @Override
    public void configure() {
        ApiErrorHandling.install(this);
        ApiRestConfiguration.securedRest(this, "/quality")
                .get("/shift-report")
                .id("api-quality-shift-report")
                .bindingMode(RestBindingMode.off)
                .produces("application/pdf")
                .description("Shift report of a line (PDF): the periods the line ran the shift on the date (from its "
                        + "production context history), counts, quality rate per line and station after "
                        + "dispositions, defect Pareto, p-chart of the NG rate per station with Nelson rules, "
                        + "alarms, dispositions, non-conformances and the ledger range. "
                        + ApiAccess.describe(ROLES))
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("line")
                .type(RestParamType.query)
                .required(true)
                .description("production line")
                .endParam()
                .param()
                .name("shift")
                .type(RestParamType.query)
                .required(true)
                .description("shift as the MES context names it")
                .endParam()
                .param()
                .name("date")
                .type(RestParamType.query)
                .required(true)
                .description("date the shift started (YYYY-MM-DD, in visionhub.quality.report.zone, default UTC)")
                .endParam()
                .responseMessage()
                .code(200)
                .message("the report (application/pdf)")
                .endResponseMessage()
                .responseMessage()
                .code(400)
                .message("a parameter is missing or malformed (ApiError naming it)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(404)
                .message("unknown line, or the line did not run that shift on that date (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .to("direct:api-quality-shift-report");

        from("direct:api-quality-shift-report")
                .routeId("rest-quality-shift-report")
                .process(this::answer);
    }

    private void answer(Exchange ex) {
        String line = ApiParams.requiredName(ex, "line");
        String shift = ApiParams.requiredName(ex, "shift");
        String rawDate = ex.getMessage().getHeader("date", String.class);
        if (rawDate == null || rawDate.isBlank()) {
            throw ApiException.badRequest("date", "date is required (YYYY-MM-DD, the day the shift started)");
        }
        LocalDate date;
        try {
            date = LocalDate.parse(rawDate.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(
                    "date",
                    "date must be YYYY-MM-DD, e.g. 2026-03-02 (got '"
                            + (rawDate.length() > 40 ? rawDate.substring(0, 40) + "..." : rawDate) + "')");
        }
        ShiftReport report;
        try {
            report = reports.report(line, shift, date, ApiCaller.name(ex));
        } catch (ShiftReportService.NoSuchShiftException e) {
            throw ApiException.notFound(e.code(), e.getMessage());
        }
        byte[] pdf = ShiftReportPdf.render(report);
        ex.getMessage().setBody(pdf);
        ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/pdf");
        ex.getMessage()
                .setHeader(
                        "Content-Disposition",
                        "attachment; filename=\"shift-report-" + line.replaceAll("[^A-Za-z0-9._-]", "_") + "-"
                                + shift.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + date + ".pdf\"");
    }
}
