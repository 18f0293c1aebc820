DOSSIER_SEARCH.t["me"] = {
"menus":[0],
"met":[18]
};
