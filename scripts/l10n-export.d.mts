/** The bundle's text for the current sources. */
export function exportBundle(): Promise<string>;
export const bundleFile: string;
