DOSSIER_SEARCH.t["po"] = {
"policy":[7,3,3,9,3,3,3]
};
