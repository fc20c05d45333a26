// Rule i's source prefix, shared by the nft -f file and the library driver.
export function ruleSource(i) {
  return `10.${Math.floor(i / 250) % 250}.${i % 250}.0/24`;
}
