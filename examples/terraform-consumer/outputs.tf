output "url" {
  description = "The web app, through the sticky load balancer."
  value       = "http://${module.web.dns_name}"
}

output "file_system_id" {
  description = "The EFS file system of the uploads and reports."
  value       = module.files.file_system_id
}

output "db_volume_id" {
  description = "The pinned database's EBS volume."
  value       = module.db.volume_id
}
