package io.visionhub.faults;

/**
 * One fault of the matrix: a name, the setup it needs ({@code single-node}: one hub; the cluster rows of issue 20
 * name their own), whether CI runs it, and the body that injects the fault into a fresh {@link FaultLab} and
 * returns the row's figures. Rows are added to a list ({@link SingleNodeRows#ROWS}; a cluster row list beside it),
 * never by editing the runner.
 */
public record FaultRow(String name, String scope, boolean ci, Body body) {

    @FunctionalInterface
    public interface Body {
        RowResult run(FaultLab lab) throws Exception;
    }
}
