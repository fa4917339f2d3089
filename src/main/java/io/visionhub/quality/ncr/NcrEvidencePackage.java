package io.visionhub.quality.ncr;

import io.visionhub.event.EventJson;
import io.visionhub.images.ImageStore;
import io.visionhub.ledger.audit.AuditPackageService;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * The CAPA evidence package of a non-conformance: an audit package ({@link AuditPackageService}, so the ledger's
 * {@code verify-package} and {@code AuditPackageVerifier} check it) of the NCR's parts (inspections with images,
 * their dispositions) and its own NCR_OPENED, NCR_ITEM_ADDED and NCR_CLOSED records, each with its inclusion proof,
 * plus {@value #REPORT} (trend chart, Pareto, example annotated images, context, ledger range) and {@value #NCR_JSON}
 * (the register's view), whose SHA-256 the signed manifest lists: a changed byte fails verification.
 */
public class NcrEvidencePackage {

    public static final String REPORT = "capa-report.pdf";
    public static final String NCR_JSON = "ncr.json";

    private final NcrRepository repo;
    private final AuditPackageService audit;
    private final Supplier<ImageStore> images;
    private final int exampleImages;
    private final Clock clock;

    public NcrEvidencePackage(
            NcrRepository repo,
            AuditPackageService audit,
            Supplier<ImageStore> images,
            int exampleImages,
            Clock clock) {
        this.repo = repo;
        this.audit = audit;
        this.images = images;
        this.exampleImages = exampleImages;
        this.clock = clock;
    }

    /** File name of the package of an NCR. */
    public static String fileName(String id) {
        return "capa-ncr-" + id.replaceAll("[^A-Za-z0-9._-]", "_") + ".zip";
    }

    /**
     * Writes the package.
     *
     * @throws NoSuchElementException no such NCR
     */
    public void write(String id, String createdBy, OutputStream out) {
        Ncr n = repo.details(id).orElseThrow(() -> new NoSuchElementException("no NCR " + id));
        List<Long> records = new ArrayList<>();
        records.add(n.ledgerSeq());
        n.items().forEach(i -> records.add(i.ledgerSeq()));
        if (n.closure() != null) {
            records.add(n.closure().ledgerSeq());
        }
        long from = records.stream().mapToLong(Long::longValue).min().orElse(n.ledgerSeq());
        long to = records.stream().mapToLong(Long::longValue).max().orElse(n.ledgerSeq());
        Map<String, byte[]> examples = new LinkedHashMap<>();
        ImageStore store = images.get();
        if (store != null) {
            for (Ncr.Item i : n.items()) {
                String uri = i.annotatedUri() != null ? i.annotatedUri() : i.imageUri();
                if (examples.size() >= exampleImages || uri == null) {
                    continue;
                }
                String sha = uri.substring(uri.lastIndexOf('/') + 1);
                store.get(sha).ifPresent(b -> examples.put("item " + i.itemNo() + ": " + uri, b));
            }
        }
        byte[] pdf = CapaReportPdf.render(new CapaReportPdf.Report(
                n,
                repo.trend(n.productionOrder(), n.defectClass()),
                repo.pareto(n.productionOrder()),
                examples,
                from,
                to,
                clock.instant().toString(),
                createdBy));
        byte[] json;
        try {
            json = EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, byte[]> extra = new LinkedHashMap<>();
        extra.put(REPORT, pdf);
        extra.put(NCR_JSON, json);
        audit.writeRecords(
                "non-conformance " + n.id() + " (order " + n.productionOrder() + ", defect class " + n.defectClass()
                        + ")",
                n.items().stream().map(Ncr.Item::inspectionId).toList(),
                records,
                extra,
                createdBy,
                out);
    }
}
