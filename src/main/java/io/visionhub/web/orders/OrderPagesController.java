package io.visionhub.web.orders;

import io.visionhub.api.LotTrace;
import io.visionhub.api.OrderSummary;
import io.visionhub.api.QualityQueries;
import io.visionhub.ledger.audit.AuditPackageService;
import io.visionhub.ledger.audit.AuditSelection;
import io.visionhub.quality.oee.QualityRate;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * Order and lot pages (QUALITY, AUDITOR, ADMIN: the web app's security chain says who): recent orders, then per
 * order or lot the quality summary after dispositions, defect Pareto, trends, lots or lot trace, current
 * dispositions and the audit package download.
 */
// only with the web app: its security chain guards /ui/** (without it the pages would be open)
@ConditionalOnProperty(prefix = "visionhub.web", name = "enabled", matchIfMissing = true)
@Controller
public class OrderPagesController {

    private static final Logger LOG = LoggerFactory.getLogger(OrderPagesController.class);
    static final int TREND_BUCKETS = 40;
    static final int TRACE_LIMIT = 1000;

    private final OrderQualityQueries queries;
    private final QualityQueries summaries;
    private final ObjectProvider<AuditPackageService> audit;

    public OrderPagesController(
            OrderQualityQueries queries, QualityQueries summaries, ObjectProvider<AuditPackageService> audit) {
        this.queries = queries;
        this.summaries = summaries;
        this.audit = audit;
    }

    /** Orders inspected in the last {@code days} days (default 30), the most recent first. */
    @GetMapping("/ui/orders")
    String orders(@RequestParam(defaultValue = "30") int days, Model model) {
        int d = Math.max(1, Math.min(days, 3660));
        model.addAttribute("days", d);
        model.addAttribute("orders", queries.recentOrders(Instant.now().minus(Duration.ofDays(d)), 100));
        return "orders/list";
    }

    @GetMapping("/ui/orders/{order}")
    String order(@PathVariable String order, Authentication auth, Model model) {
        OrderSummary summary = summaries
                .orderSummary(order)
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "no inspection recorded under production order " + order));
        QualityScope scope = QualityScope.order(order);
        model.addAttribute("summary", summary);
        model.addAttribute("lots", queries.lotsOf(order));
        common(model, scope, auth);
        return "orders/order";
    }

    @GetMapping("/ui/lots/{lot}")
    String lot(@PathVariable String lot, Authentication auth, Model model) {
        LotTrace trace = summaries
                .lotTrace(lot, TRACE_LIMIT)
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "the hub has no inspection, context or document for lot " + lot));
        QualityScope scope = QualityScope.lot(lot);
        model.addAttribute("trace", trace);
        model.addAttribute("lotDisposition", queries.lotDisposition(lot));
        common(model, scope, auth);
        return "orders/lot";
    }

    private void common(Model model, QualityScope scope, Authentication auth) {
        QualityRate rate = queries.qualityRate(scope);
        List<OrderQualityQueries.ParetoBar> pareto = queries.pareto(scope);
        List<OrderQualityQueries.TrendPoint> trend = queries.trend(scope, TREND_BUCKETS);
        model.addAttribute("scope", scope);
        model.addAttribute("rate", rate);
        model.addAttribute("ratePercent", rate.total() == 0 ? null : 100.0 * rate.rate());
        model.addAttribute("pareto", pareto);
        model.addAttribute("paretoSvg", SvgCharts.pareto(pareto));
        model.addAttribute(
                "defectRateSvg",
                SvgCharts.trend("Defect rate (NG + UNCERTAIN) over time", trend, p -> p.defectRate(), 1.0, "100 %"));
        double maxScore = Math.max(
                1.0,
                trend.stream()
                        .map(OrderQualityQueries.TrendPoint::maxScore)
                        .filter(s -> s != null)
                        .mapToDouble(Double::doubleValue)
                        .max()
                        .orElse(1.0));
        model.addAttribute(
                "anomalySvg",
                SvgCharts.trend(
                        "Mean anomaly score over time",
                        trend,
                        OrderQualityQueries.TrendPoint::meanScore,
                        maxScore,
                        String.format(java.util.Locale.ROOT, "%.2f", maxScore)));
        model.addAttribute("trend", trend);
        model.addAttribute("currentDispositions", queries.currentDispositions(scope));
        model.addAttribute("canSign", hasRole(auth, "QUALITY") || hasRole(auth, "ADMIN"));
    }

    private static boolean hasRole(Authentication auth, String role) {
        return auth != null
                && auth.getAuthorities().stream()
                        .map(GrantedAuthority::getAuthority)
                        .anyMatch(("ROLE_" + role)::equals);
    }

    /** The order's audit package (zip: records with proofs, images, signatures, signed head, summary PDF). */
    @GetMapping("/ui/orders/{order}/audit-package")
    void orderPackage(@PathVariable String order, Authentication auth, HttpServletResponse response)
            throws IOException {
        write(AuditSelection.of(order, null, null, null), auth, response);
    }

    /** The lot's audit package. */
    @GetMapping("/ui/lots/{lot}/audit-package")
    void lotPackage(@PathVariable String lot, Authentication auth, HttpServletResponse response) throws IOException {
        write(AuditSelection.of(null, lot, null, null), auth, response);
    }

    private void write(AuditSelection sel, Authentication auth, HttpServletResponse response) throws IOException {
        AuditPackageService service = audit.getIfAvailable();
        if (service == null) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "audit packages are not configured");
        }
        // built into a temporary file first: a failure then answers an error, not half a zip
        Path tmp = Files.createTempFile("visionhub-ui-audit-", ".zip");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                service.write(sel, auth.getName(), out);
            } catch (IllegalArgumentException e) {
                throw new ResponseStatusException(HttpStatus.NOT_FOUND, e.getMessage());
            } catch (IllegalStateException e) {
                throw new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage());
            }
            response.setContentType("application/zip");
            response.setHeader("Content-Disposition", "attachment; filename=\"" + sel.fileName() + "\"");
            response.setContentLengthLong(Files.size(tmp));
            try (InputStream in = Files.newInputStream(tmp)) {
                in.transferTo(response.getOutputStream());
            }
            LOG.info("Audit package {} downloaded from the web app by {}", sel.describe(), auth.getName());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
