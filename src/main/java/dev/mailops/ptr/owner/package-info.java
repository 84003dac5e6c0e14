/**
 * Who controls an IP: special ranges answered locally, published cloud ranges, and RDAP (RFC 9082/9083) found
 * through the RFC 9224 bootstrap registry, cached per registered network range. Independent of Kubernetes.
 *
 * <p>Entry point: {@link dev.mailops.ptr.owner.OwnerResolver#resolve}, which never throws and always answers,
 * with kind {@code unknown} and a reason when it cannot tell.
 */
package dev.mailops.ptr.owner;
