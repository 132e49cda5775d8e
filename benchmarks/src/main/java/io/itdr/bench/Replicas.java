package io.itdr.bench;

import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;

/**
 * Copies of an estate's events that belong to other identities, so that one input can fill the
 * detection engine with ten times its identities: replica {@code r > 0} of an event is the same
 * event by identity {@code <id>~r} (so its identity key differs), optionally shifted in time so
 * that an identity seen again sees time move forward. Replica 0 is the identity itself.
 *
 * <p>Stateless and thread-safe.
 */
final class Replicas {
    private Replicas() {
    }

    static IdentityEvent of(IdentityEvent e, int replica, long shiftMillis) {
        if (replica == 0 && shiftMillis == 0) {
            return e;
        }
        IdentityRef ref = replica == 0 ? e.identity()
                : new IdentityRef(e.identity().id() + "~" + replica, e.identity().kind(), e.identity().name());
        return with(e, ref, shiftMillis);
    }

    static IdentityEvent with(IdentityEvent e, IdentityRef ref, long shiftMillis) {
        return new IdentityEvent(e.id(), shiftMillis == 0 ? e.time() : e.time().plusMillis(shiftMillis), e.platform(), e.tenant(),
                ref, e.credential(), e.category(), e.action(), e.outcome(), e.source(), e.session(), e.privilege(),
                e.workload(), e.finding(), e.target(), e.rawRef(), e.attributes());
    }
}
