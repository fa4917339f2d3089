package io.visionhub.vision.component;

import java.time.Instant;

/**
 * Chooses the model a station's frame is inspected with when it is not the endpoint's own, e.g. the recipe linked to
 * the product on the line at that moment (OPC 40100-1 RecipeManagement, io.visionhub.outputs.opcua.RecipeBook). The
 * vision component finds one in the registry by type; without one every frame uses the endpoint's {@code model}.
 */
@FunctionalInterface
public interface ModelSelector {

    /** The model folder for this frame, or null to use the endpoint's model. */
    String modelFor(String station, String line, Instant captureTime);
}
