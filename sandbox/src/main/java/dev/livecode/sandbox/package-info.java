/**
 * The sandbox: the security boundary between the server and the programs it runs, readable and
 * testable alone. A {@link dev.livecode.sandbox.Sandbox} of one {@link
 * dev.livecode.sandbox.Isolation} tier starts a {@link dev.livecode.sandbox.LaunchSpec} under its
 * {@link dev.livecode.sandbox.SandboxLimits} and hands back a {@link
 * dev.livecode.sandbox.ConfinedProcess}, whose {@link dev.livecode.sandbox.ConfinedProcess.Verdict}
 * says what became of it. Besides: {@link dev.livecode.sandbox.HelperCpuGroup} for helper processes
 * on the host, {@link dev.livecode.sandbox.HostCommands} for runner probes, and {@link
 * dev.livecode.sandbox.PrestartedPool} for processes started ahead of their use (the sandbox's
 * launch shells, the engine's warm interpreters and ready sandboxes).
 *
 * <p>Everything else is in {@code dev.livecode.sandbox.internal}, which carries no compatibility
 * promise and which no other module may import.
 */
package dev.livecode.sandbox;
