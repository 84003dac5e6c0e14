/**
 * The authoritative view: what the authoritative servers of the reverse zone (following RFC 2317 CNAMEs into the
 * zone that really holds the PTR) and of the forward zone answer right now, asked one by one, beside the resolver
 * view of {@link dev.mailops.ptr.verify.Verifier}. Independent of Kubernetes.
 *
 * <p>Entry point: {@link dev.mailops.ptr.verify.authority.AuthoritativeChecker#check}, giving an {@link
 * dev.mailops.ptr.verify.authority.AuthoritativeView}: one {@link dev.mailops.ptr.verify.authority.ZoneView} per
 * zone asked, with every server's {@link dev.mailops.ptr.verify.authority.ServerAnswer} and the comparison of them.
 */
package dev.mailops.ptr.verify.authority;
