// The route destinations every workload-2/4 program uses (ip batch files, pyroute2, drivers):
// route i is 10.a.b.c/32 with i = a*62500 + b*250 + c.
export function routeDst(i) {
  return `10.${Math.floor(i / 62500)}.${Math.floor(i / 250) % 250}.${i % 250}`;
}
