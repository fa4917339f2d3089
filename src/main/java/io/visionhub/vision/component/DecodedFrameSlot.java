package io.visionhub.vision.component;

import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.source.OneSlot;

/**
 * The one-frame slot between a camera's decode-ahead thread and its inspecting thread ({@code decodeAhead=true}):
 * the decoder fills it only when it is empty and takes the next frame from the camera's handoff only then, so no
 * frame is decoded that will not be inspected, frames keep their order, and a camera holds at most one decoded frame
 * beyond the one being inspected.
 */
final class DecodedFrameSlot extends OneSlot<FrameInspector.Prepared> {

    /** Fills the empty slot; refused (IllegalStateException) when it is full: only one thread fills it. */
    synchronized void put(FrameInspector.Prepared p) {
        FrameInspector.Prepared waiting = value();
        if (waiting != null) {
            throw new IllegalStateException(
                    "decoded-frame slot already holds frame " + waiting.frame().sequence());
        }
        set(p);
    }
}
