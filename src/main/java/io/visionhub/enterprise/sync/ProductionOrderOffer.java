package io.visionhub.enterprise.sync;

/**
 * A released production order read from SAP (A_ProductionOrder_2), offered to the hub as production context
 * for the line that will run it (the MES or an integrator decides when it becomes the line's context).
 */
public record ProductionOrderOffer(
        String productionOrder,
        String material,
        String plant,
        String quantity,
        String unit,
        String orderType,
        boolean released,
        boolean technicallyCompleted) {}
