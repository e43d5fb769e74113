import HallDomain
import HallMetrics

/// replications.csv: every KPI of every replication (overall, per department, per hour of arrival;
/// the case KPIs of a run over dates), one value per row, so that any other interval method can be used
/// on the same numbers summary.json summarises. Replications are numbered from 0, as in tickets.csv.
enum ReplicationsCSV {
    static let header = "replication,scope,key,kpi,value"

    static func csv(_ r: ExperimentResult) -> String {
        var out = header + "\n"
        let departments = r.scenario.departments.map(\.id)
        func rows(_ rep: Int, _ scope: String, _ key: String, _ map: [KPI: Double?]?) {
            guard let map else { return }
            for k in KPI.allCases {
                guard let v = map[k] else { continue }
                out += "\(rep),\(scope),\(BatchFiles.csvField(key)),\(k.rawValue),\(BatchFiles.number(v))\n"
            }
        }
        for (rep, day) in r.days.enumerated() {
            let i = rep
            rows(rep, "overall", "", day.overall)
            if let c = r.cases?[i] {
                for k in CaseKPI.allCases {
                    guard let v = c.overall[k] else { continue }
                    out += "\(rep),overall,,\(k.rawValue),\(BatchFiles.number(v))\n"
                }
            }
            for d in departments {
                rows(rep, "department", d, day.departments[d])
                if let c = r.cases?[i].departments[d] {
                    for k in CaseKPI.allCases {
                        guard let v = c[k] else { continue }
                        out += "\(rep),department,\(BatchFiles.csvField(d)),\(k.rawValue),\(BatchFiles.number(v))\n"
                    }
                }
            }
            for h in day.hours.keys.sorted() { rows(rep, "hour", h, day.hours[h]) }
        }
        return out
    }
}
