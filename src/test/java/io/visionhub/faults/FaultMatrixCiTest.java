package io.visionhub.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rows of the fault matrix that fit CI's time ({@link FaultRow#ci()}), each against the real hub in a JVM of
 * its own: a row that loses or duplicates a part fails. The full matrix: {@code bench/faults}
 * (docs/reliability.md).
 */
class FaultMatrixCiTest {

    @TempDir
    Path tmp;

    @TestFactory
    List<DynamicTest> ciRowsLoseAndDuplicateNothing() {
        FaultMatrix matrix = new FaultMatrix(tmp, Path.of("").toAbsolutePath());
        return FaultMatrix.select("ci").stream()
                .map(row -> DynamicTest.dynamicTest(row.name(), () -> {
                    RowResult r = matrix.run(row);
                    assertThat(r.note()).as(FaultMatrix.format(r)).doesNotStartWith("FAILED");
                    assertThat(r.produced()).as(FaultMatrix.format(r)).isPositive();
                    assertThat(r.lost()).as("lost: " + FaultMatrix.format(r)).isZero();
                    assertThat(r.duplicated())
                            .as("duplicated: " + FaultMatrix.format(r))
                            .isZero();
                }))
                .toList();
    }
}
