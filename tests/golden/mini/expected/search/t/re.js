DOSSIER_SEARCH.t["re"] = {
"refers":[12],
"rejected":[4],
"release":[14],
"retrain":[16],
"reviewed":[6,12],
"reviewer":[18]
};
