// A refresh that fails for a reason of our own, in words a person can act on: the
// whole refresh fails and the live warehouse stays as it was.
export class LoadFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadFailure';
  }
}
