package io.visionhub.vision.component;

/**
 * Which models a station runs besides its route's own: the champion that change control promoted (it replaces the
 * endpoint's {@code model}) and the challenger that runs on the same frames on spare CPU. The vision component finds
 * one in the registry by type (the model registry) and asks it per frame, so a promotion or rollback takes effect
 * at the next frame boundary without a restart. A product linked to a recipe ({@link ModelSelector}) keeps its
 * recipe's model: the champion is the station's model for every other frame.
 */
public interface StationModels {

    /** The promoted champion's model folder for this station, or null to use the endpoint's model. */
    String championOf(String station);

    /** The challenger's model folder for this station, or null to use the endpoint's challenger option. */
    default String challengerOf(String station) {
        return null;
    }
}
