/**
 * The pure DNS verification engine of ptr-operator: PTR lookup, forward-confirmed reverse DNS
 * (RFC 8601 iprev) and the hostname judgement, independent of Kubernetes.
 *
 * <p>Entry points: {@link dev.mailops.ptr.verify.VerificationRequest#of} to parse input, {@link
 * dev.mailops.ptr.verify.Verifier#verify} to run the checks, {@link
 * dev.mailops.ptr.verify.Verification} with one {@link dev.mailops.ptr.verify.Verdict} per {@link
 * dev.mailops.ptr.verify.Check}; {@link dev.mailops.ptr.verify.Reason#camelCase()} gives the
 * condition reasons of DESIGN.md.
 */
package dev.mailops.ptr.verify;
