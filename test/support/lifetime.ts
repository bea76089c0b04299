// Keeping helper processes from outliving the process that started them.
import { spawn } from 'node:child_process';

/**
 * Calls `stop` once this process's parent is gone. `npm run` starts scripts under `sh -c`; a SIGTERM or SIGKILL to npm
 * can leave the script running as an orphan (reparented to init or a subreaper), so a changed parent ends it too.
 */
export function stopWhenParentGoes(stop: (reason: string) => void): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('parent process gone');
  }, 250).unref();
}

/**
 * Ends a detached process group (its leader is `groupLeaderPid`) once this process is gone, even when it is killed
 * with SIGKILL and runs no handler: a tiny detached watchdog polls for this process and then signals the group.
 */
export function reapGroupWhenGone(groupLeaderPid: number): void {
  const watchdog = `
    const [owner, group] = process.argv.slice(1).map(Number);
    const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    setInterval(() => {
      if (!alive(group)) process.exit(0);
      if (alive(owner)) return;
      try { process.kill(-group, 'SIGTERM'); } catch {}
      setTimeout(() => { try { process.kill(-group, 'SIGKILL'); } catch {} process.exit(0); }, 5000);
    }, 500);`;
  spawn(process.execPath, ['-e', watchdog, String(process.pid), String(groupLeaderPid)], { detached: true, stdio: 'ignore' }).unref();
}
