// The error a failing link chain rejects with: which step, what had been applied, and what
// the chain undid so that nothing is left half made.
import { NetlinkTsError } from '../netlink/errors.js';

export class ChainStepError extends NetlinkTsError {
  override name = 'ChainStepError';
  /**
   * The cause's errno name and number (NetlinkError, SystemError, OverrunError), so the natural
   * check `e.code === 'EEXIST'` works on a chain's rejection too; undefined for input errors.
   */
  readonly code: string | undefined;
  readonly errno: number | undefined;
  /** The cause's `field` when it is a ValidationError (e.g. `settings.address`). */
  readonly field: string | undefined;
  constructor(
    /** The failing step, e.g. "address 192.168.0.1/16". */
    readonly step: string,
    /** Steps that had succeeded before it, in order. */
    readonly applied: string[],
    /** What the chain removed again (links and addresses it had created), in the order undone. */
    readonly rolledBack: string[],
    /** The underlying error: NetlinkError, ValidationError, SystemError... */
    override readonly cause: Error,
    /** Undo actions that failed themselves (rare: the object vanished meanwhile). */
    readonly rollbackErrors: Error[] = [],
  ) {
    super('');
    const c = cause as { code?: unknown; errno?: unknown; field?: unknown };
    this.code = typeof c.code === 'string' ? c.code : undefined;
    this.errno = typeof c.errno === 'number' ? c.errno : undefined;
    this.field = typeof c.field === 'string' ? c.field : undefined;
    const subject = `link chain step "${step}" failed`;
    const done = applied.length ? `; applied before it: ${applied.join(', ')}` : '';
    const undone = rolledBack.length ? `; rolled back: ${rolledBack.join(', ')}` : '';
    this.message = `${subject}: ${cause.message}${done}${undone}`;
  }
}
